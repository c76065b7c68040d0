using NodaTime;
using NodaTime.Testing;

namespace Pipelines.Cli.Tests;

/// <summary>The CLI's next runs for a session-relative schedule come from the calendar, as the scheduler's do.</summary>
[Collection("cli")]
public sealed class CliSessionScheduleTests
{
    [Fact]
    public async Task Show_lists_the_next_firings_30_minutes_after_each_close_starting_with_the_early_close()
    {
        var output = new StringWriter();
        var exit = await PipelinesCli.RunAsync(new[] { "show", "close_report", "--json" }, o =>
        {
            o.Pipelines = new[] { CloseReport.Definition };
            o.Out = output;
            o.Error = new StringWriter();
            o.Clock = new FakeClock(Instant.FromUtc(2024, 11, 29, 17, 0)); // Friday after Thanksgiving, 12:00 New York
            o.WorkerCount = 1;
        });

        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal(new[] { "2024-11-29T13:30:00-05", "2024-12-02T16:30:00-05", "2024-12-03T16:30:00-05", "2024-12-04T16:30:00-05", "2024-12-05T16:30:00-05" },
            json.RootElement.GetProperty("nextRuns").EnumerateArray().Select(e => e.GetString()));
    }
}
