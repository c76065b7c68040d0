using System.Globalization;
using Hangfire;
using LunchBot;
using NodaTime;
using NodaTime.Text;
using Pipelines;
using Pipelines.Calendars;
using Pipelines.Hangfire;

// The lunch bot on Hangfire with its embedded in-memory storage and the dashboard.
//   dotnet run --project samples/LunchBot                                  serve: the schedule posts at 09:00 New York on NYSE sessions
//   dotnet run --project samples/LunchBot -- --once [--date yyyy-MM-dd]    run one day now, print every task, exit 0 only on success
// Options: --webhook URL (post Slack-compatible JSON there instead of printing), --now yyyy-MM-ddTHH:mm (pretend it is that
// New York time; the clock then runs on from there), --urls http://127.0.0.1:PORT (default 5001).
var newYork = DateTimeZoneProviders.Tzdb[LunchBotPipeline.NewYork];
if (!CommandLine.TryParse(args, newYork, out var options, out var rest, out var error))
{
    Console.Error.WriteLine($"lunch_bot: {error}");
    return 2;
}

IClock clock = options.Now is { } pretend ? ShiftedClock.StartingAt(SystemClock.Instance, pretend) : SystemClock.Instance;
var builder = WebApplication.CreateBuilder(rest);
var url = builder.Configuration["urls"] ?? "http://127.0.0.1:5001";
builder.WebHost.UseUrls(url);
if (options.Once) builder.Logging.SetMinimumLevel(LogLevel.Warning); // keep the run's story readable

builder.Services.AddSingleton(clock);
builder.Services.AddSingleton(new LunchBotSettings(options.Webhook));
builder.Services.AddHttpClient<LunchPoster>(http => http.Timeout = TimeSpan.FromSeconds(10));
builder.Services.AddHangfire(c => c
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings()
    .UsePipelinesInMemoryStorage());
// A sensor's next poke is a delayed Hangfire job; poll for due ones every second rather than every 15 so a 5-second poke is one.
builder.Services.AddSingleton(new BackgroundJobServerOptions
{
    Queues = new PipelineRegistry(PipelineCatalog.All).Queues,
    SchedulePollingInterval = TimeSpan.FromSeconds(1),
});
builder.Services.AddPipelines(o => o.Clock = clock);
builder.Services.AddHangfireServer();

var app = builder.Build();
app.UseHangfireDashboard("/hangfire");
app.MapGet("/", () => Results.Redirect("/hangfire"));
await app.StartAsync();

var operations = app.Services.GetRequiredService<PipelineOperations>();
var now = clock.GetCurrentInstant().InZone(newYork);
Console.WriteLine($"lunch_bot: 09:00 {LunchBotPipeline.NewYork} on NYSE sessions; posting to {(options.Webhook?.ToString() ?? "the console (no --webhook)")}.");
if (options.Now is not null) Console.WriteLine($"Pretending it is {Text.Time(now)} New York (--now).");
Console.WriteLine($"Hangfire dashboard: {url}/hangfire");

if (!options.Once)
{
    Console.WriteLine("Serving; the schedule triggers lunch_bot at 08:30 New York on weekdays. Ctrl+C to stop.");
    await app.WaitForShutdownAsync();
    return 0;
}

var date = options.Date ?? now.Date;
var runId = operations.Trigger("lunch_bot", date);
Console.WriteLine($"Triggered lunch_bot for {Text.Day(date)} as run {runId}; it is now {Text.Time(now)} New York.");
var nine = TimeSensors.At(date, LunchBotPipeline.PostAt, newYork);
if (date == now.Date && clock.GetCurrentInstant() < nine && ExchangeCalendar.Get("XNYS").IsSession(date))
    Console.WriteLine($"WaitUntilNine holds the run until 09:00 New York, {(nine - clock.GetCurrentInstant()).ToString("H:mm:ss", CultureInfo.InvariantCulture)} from now.");

// Follow the run: print each task as its state changes, then the outcome.
var seen = new Dictionary<string, TaskState>();
PipelineRun run;
while (true)
{
    run = operations.GetRun("lunch_bot", runId)!;
    foreach (var task in run.Tasks)
    {
        if (seen.TryGetValue(task.TaskId, out var last) && last == task.State) continue;
        seen[task.TaskId] = task.State;
        if (task.State is not TaskState.None and not TaskState.Queued) Console.WriteLine($"  .. {task.TaskId,-18} {task.State.Name()}");
    }
    if (run.State.IsFinished()) break;
    await Task.Delay(200);
}

Console.WriteLine();
foreach (var task in run.Tasks) Console.WriteLine($"  {task.TaskId,-18} {task.State.Name(),-10} {task.Reason}");
Console.WriteLine();
Console.WriteLine(Text.Outcome(run, operations, clock));
await app.StopAsync();
return run.State == RunState.Success ? 0 : 1;

/// <summary>The sample's own flags; everything else goes to ASP.NET Core's configuration (for example <c>--urls</c>).</summary>
internal sealed record CommandLine(bool Once, LocalDate? Date, Uri? Webhook, Instant? Now)
{
    private static readonly LocalDatePattern s_date = LocalDatePattern.Iso;
    private static readonly LocalDateTimePattern s_now = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");
    private static readonly LocalDateTimePattern s_nowWithSeconds = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss");

    public static bool TryParse(string[] args, DateTimeZone zone, out CommandLine options, out string[] rest, out string? error)
    {
        options = new CommandLine(false, null, null, null);
        var others = new List<string>();
        rest = [];
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (arg)
            {
                case "--once":
                    options = options with { Once = true };
                    break;
                case "--date":
                    var dateText = Value();
                    var date = dateText is null ? null : s_date.Parse(dateText);
                    if (date is not { Success: true })
                    {
                        error = $"--date needs a date as yyyy-MM-dd, such as 2026-11-25; got '{dateText}'.";
                        return false;
                    }
                    options = options with { Date = date.Value };
                    break;
                case "--webhook":
                    var urlText = Value();
                    if (!Uri.TryCreate(urlText, UriKind.Absolute, out var webhook) || webhook.Scheme is not ("http" or "https"))
                    {
                        error = $"--webhook needs an http(s) URL, such as https://hooks.slack.com/services/...; got '{urlText}'.";
                        return false;
                    }
                    options = options with { Webhook = webhook };
                    break;
                case "--now":
                    var nowText = Value();
                    var local = nowText is null ? null : s_now.Parse(nowText) is { Success: true } minutes ? minutes : s_nowWithSeconds.Parse(nowText);
                    if (local is not { Success: true })
                    {
                        error = $"--now needs a New York time as yyyy-MM-ddTHH:mm, such as 2026-11-25T09:05; got '{nowText}'.";
                        return false;
                    }
                    options = options with { Now = zone.AtLeniently(local.Value).ToInstant() };
                    break;
                default:
                    others.Add(arg);
                    break;
            }
        }

        if (options.Date is not null && !options.Once)
        {
            error = "--date only makes sense with --once (run one day and exit).";
            return false;
        }

        rest = others.ToArray();
        return true;
    }
}

/// <summary>How the sample words times and outcomes.</summary>
internal static class Text
{
    private static readonly LocalDatePattern s_day = LocalDatePattern.CreateWithInvariantCulture("uuuu-MM-dd (dddd)");
    private static readonly LocalDateTimePattern s_time = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm");

    public static string Day(LocalDate date) => s_day.Format(date);

    public static string Time(ZonedDateTime time) => s_time.Format(time.LocalDateTime);

    /// <summary>One paragraph that says what happened and why, from the conditions' recorded results.</summary>
    public static string Outcome(PipelineRun run, PipelineOperations operations, IClock clock)
    {
        var day = Day(run.LogicalDate);
        if (run.State != RunState.Success)
            return $"Run {run.RunId}: {run.State.Name()}. Nothing may have been posted; see the reasons above and the dashboard.";
        if (operations.GetOutput("lunch_bot", run.RunId, nameof(LunchBotPipeline.IsMostRecentDay)) == "false")
            return $"SKIPPED: {day} is not the most recent day as of {Time(clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb[LunchBotPipeline.NewYork]))} New York, " +
                   "so IsMostRecentDay returned false and every task after it was skipped: a backfill never pings the desk. " +
                   "Run today's date, or add --now to pretend it is that day.";
        if (operations.GetOutput("lunch_bot", run.RunId, nameof(LunchBotPipeline.IsMarketDay)) == "false")
        {
            var nyse = ExchangeCalendar.Get("XNYS");
            var why = nyse.TryGetHoliday(run.LogicalDate, out var holiday) ? holiday : $"a {run.LogicalDate.DayOfWeek}";
            return $"SKIPPED: {day} is not an NYSE session ({why}), so IsMarketDay returned false and nothing was posted.";
        }
        var posted = run[nameof(LunchBotPipeline.PostMeetingNotice)].State == TaskState.Success
            ? "the company meeting notice"
            : "the lunch order reminder";
        return $"POSTED {posted} for {day}. Run {run.RunId}: success.";
    }
}
