using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire;
using Pipelines.Testing;

namespace LunchBot.Tests;

/// <summary>The lunch bot, run in-process by the test host: a fake chat webhook and a fake clock that the 09:00 sensor moves.</summary>
public sealed class LunchBotTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    private readonly FakeChat _chat = new();

    private static FakeClock At(LocalDate date, int hour, int minute) => new(date.At(new LocalTime(hour, minute)).InZoneStrictly(NewYork).ToInstant());

    private PipelineTestHost Host(FakeClock clock) =>
        PipelineTestHost.For<LunchBotPipeline>(services => services
                .AddSingleton<IClock>(clock)
                .AddSingleton(new LunchPoster(new HttpClient(_chat), new LunchBotSettings(new Uri("http://chat.test/hook")), NullLogger<LunchPoster>.Instance)))
            .WithClock(clock);

    [Fact]
    public async Task On_a_Wednesday_it_waits_until_nine_and_posts_the_meeting_notice()
    {
        var wednesday = new LocalDate(2025, 11, 26);
        var clock = At(wednesday, 8, 30);

        var result = await Host(clock).RunAsync(wednesday);

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(TaskState.Success, result["PostMeetingNotice"].State);
        Assert.Equal(TaskState.Skipped, result["PostLunchReminder"].State);
        Assert.Equal(new[] { "Company meeting! Don't order today." }, _chat.Posted);
        // The sensor was poked every five seconds on the fake clock, and let the run go at 09:00 New York.
        Assert.Equal(At(wednesday, 9, 0).GetCurrentInstant(), result["WaitUntilNine"].End);
    }

    [Fact]
    public async Task On_the_Friday_after_Thanksgiving_the_reminder_names_the_early_close_and_survives_a_chat_outage()
    {
        var friday = new LocalDate(2025, 11, 28);
        _chat.Failures = 1;

        var result = await Host(At(friday, 9, 1)).RunAsync(friday);

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(2, result["PostLunchReminder"].Tries);
        var posted = Assert.Single(_chat.Posted);
        Assert.StartsWith("Lunch order reminder for Friday, November 28", posted);
        Assert.Contains("NYSE closes early at 13:00", posted);
    }

    [Fact]
    public async Task On_Thanksgiving_the_market_is_closed_and_nothing_is_posted()
    {
        var thanksgiving = new LocalDate(2025, 11, 27);

        var result = await Host(At(thanksgiving, 9, 1)).RunAsync(thanksgiving);

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(TaskState.Success, result["IsMarketDay"].State);
        Assert.Equal(TaskState.Skipped, result["WaitUntilNine"].State);
        Assert.Empty(_chat.Posted);
    }

    /// <summary>A chat webhook that refuses the first <see cref="Failures"/> posts and keeps the text of the others.</summary>
    private sealed class FakeChat : HttpMessageHandler
    {
        public int Failures { get; set; }

        public List<string> Posted { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Failures-- > 0) return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            var body = System.Text.Json.JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            Posted.Add(body.RootElement.GetProperty("text").GetString()!);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
