using Hangfire;
using NightlyDataload;
using NodaTime;
using Pipelines;
using Pipelines.Calendars;
using Pipelines.Hangfire;

// The main job: our users' nightly load on Hangfire with its embedded in-memory storage and the dashboard.
// It triggers a run for the last NYSE session at start-up; the simulated vendor drops the file a few seconds later.
var once = args.Contains("--once");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--once").ToArray());
var url = builder.Configuration["urls"] ?? "http://127.0.0.1:5000";
builder.WebHost.UseUrls(url);
var dropFolder = Path.Combine(builder.Configuration["data"] ?? Path.Combine(Path.GetTempPath(), "nightly-dataload"), "vendor-drop");

builder.Services.AddSingleton(new VendorDrop(dropFolder));
builder.Services.AddSingleton<SimulatedVendor>();
builder.Services.AddHangfire(c => c
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings()
    .UsePipelinesInMemoryStorage());
builder.Services.AddPipelines(o => o.RegisterSchedules = true);
builder.Services.AddHangfireServer();

var app = builder.Build();
app.UseHangfireDashboard("/hangfire");
app.MapGet("/", () => Results.Redirect("/hangfire"));
await app.StartAsync();

var operations = app.Services.GetRequiredService<PipelineOperations>();
var newYork = DateTimeZoneProviders.Tzdb["America/New_York"];
var session = ExchangeCalendar.Get("XNYS").PreviousSession(SystemClock.Instance.GetCurrentInstant().InZone(newYork).Date);
_ = app.Services.GetRequiredService<SimulatedVendor>().DeliverAsync(session, TimeSpan.FromSeconds(3), app.Lifetime.ApplicationStopping);
var runId = operations.Trigger("nightly_dataload", session);

Console.WriteLine($"Pipelines: {string.Join(", ", operations.Registry.All.Select(p => p.Id))}");
Console.WriteLine($"Triggered nightly_dataload for session {session:yyyy-MM-dd} as run {runId}.");
Console.WriteLine($"Hangfire dashboard: {url}/hangfire   (Ctrl+C to stop)");

if (once)
{
    // Wait for the run, print every task's state, and exit 0 only if it succeeded.
    PipelineRun run;
    while (!(run = operations.GetRun("nightly_dataload", runId)!).State.IsFinished()) await Task.Delay(200);
    foreach (var task in run.Tasks) Console.WriteLine($"  {task.TaskId,-24} {task.State.Name(),-16} {task.Reason}");
    Console.WriteLine($"Run {run.RunId}: {run.State.Name()}; daily fundamentals: {operations.GetOutput("nightly_dataload", runId, "BuildDailyFundamentals")}");
    await app.StopAsync();
    return run.State == RunState.Success ? 0 : 1;
}

await app.WaitForShutdownAsync();
return 0;
