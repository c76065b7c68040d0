using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Pipelines;
using Pipelines.Calendars;

namespace LunchBot;

/// <summary>
/// Our users' lunch bot: on NYSE sessions, at 09:00 New York, tell the desk either to send in the lunch order or, on
/// Wednesdays, that there is a company meeting instead. Backfills and catch-up runs post nothing.
/// </summary>
[Pipeline("lunch_bot",
    Schedule = "30 8 * * 1-5",
    TimeZone = "America/New_York",
    Calendar = "XNYS",
    MaxActiveRuns = 4,
    Description = "Post the lunch order reminder (or the company meeting notice on Wednesdays) at 09:00 New York on NYSE sessions.",
    Tags = new[] { "chat", "lunch" })]
public sealed partial class LunchBotPipeline(IClock clock, LunchPoster poster)
{
    /// <summary>The desk's time zone.</summary>
    public const string NewYork = "America/New_York";

    /// <summary>When the reminder goes out.</summary>
    public static readonly LocalTime PostAt = new(9, 0);

    private static readonly LocalDatePattern s_day = LocalDatePattern.Create("dddd, MMMM d", CultureInfo.InvariantCulture);
    private static readonly LocalTimePattern s_time = LocalTimePattern.Create("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Latest-only: a run for an earlier day (a backfill, a catch-up) must not ping the desk.</summary>
    [PipelineTask, Condition]
    public bool IsMostRecentDay(RunContext run) => RunConditions.IsLatestRun(run, clock);

    /// <summary>No lunch orders when the market is closed.</summary>
    [PipelineTask, Condition, DependsOn(nameof(IsMostRecentDay))]
    public static bool IsMarketDay(RunContext run) => TradingConditions.IsTradingSession(run, "XNYS");

    /// <summary>Waits until 09:00 New York on the run's day, poking every few seconds without holding a worker.</summary>
    [PipelineTask, Sensor(PokeInterval = "00:00:05", Timeout = "12:00:00"), DependsOn(nameof(IsMarketDay))]
    public bool WaitUntilNine(RunContext run) => TimeSensors.IsPast(run, clock, PostAt, NewYork);

    /// <summary>The company meeting is on Wednesdays; lunch is catered then.</summary>
    [PipelineTask, Branch(nameof(PostMeetingNotice), nameof(PostLunchReminder)), DependsOn(nameof(WaitUntilNine))]
    public static string IsCompanyMeeting(RunContext run) =>
        run.LogicalDate.DayOfWeek == IsoDayOfWeek.Wednesday ? nameof(PostMeetingNotice) : nameof(PostLunchReminder);

    /// <summary>Wednesday's notice.</summary>
    [PipelineTask(Retries = 2, RetryDelay = "00:00:10"), DependsOn(nameof(IsCompanyMeeting))]
    public Task PostMeetingNotice(CancellationToken cancellationToken) =>
        poster.PostAsync("Company meeting! Don't order today.", cancellationToken);

    /// <summary>Every other session's reminder, with the early close when there is one.</summary>
    [PipelineTask(Retries = 2, RetryDelay = "00:00:10"), DependsOn(nameof(IsCompanyMeeting))]
    public Task PostLunchReminder(RunContext run, CancellationToken cancellationToken)
    {
        var text = $"Lunch order reminder for {s_day.Format(run.LogicalDate)}: put your order in the sheet by 11:00.";
        if (ExchangeCalendar.Get("XNYS").TryGetEarlyClose(run.LogicalDate, out var early))
            text += $" NYSE closes early at {s_time.Format(early.Close)} today ({early.Reason}).";
        return poster.PostAsync(text, cancellationToken);
    }
}
