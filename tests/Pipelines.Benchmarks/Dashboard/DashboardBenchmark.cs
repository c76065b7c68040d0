using System.Collections.Immutable;
using System.Diagnostics;
using global::Hangfire;
using global::Hangfire.InMemory;
using global::Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;
using Pipelines.Hangfire;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Benchmarks.Dashboard;

/// <summary>
/// How fast the pipeline pages answer with 500 runs of a 50-task pipeline (issue 6's bar): 500 finished runs of
/// <c>bench_wide_50</c> are written straight into Hangfire's storage (as the coordinator writes them: run hash, task
/// hash, runs set; one in ten failed with its downstream upstream_failed; 20 log lines per task in the newest run), a
/// real ASP.NET Core host maps the Hangfire dashboard, and each page is fetched over HTTP 20 times after 3 warm-ups.
/// Reported: median and p95 server round trip, the page size, and (when Debian's Chromium is installed) the median
/// time headless Chromium takes to load the page to its load event, scripts and layout included, over 5 loads (with a
/// full-page screenshot of each page in the output folder's <c>screenshots/</c>).
/// </summary>
public static class DashboardBenchmark
{
    public const int Runs = 500;
    private const int Warmups = 3;
    private const int Samples = 20;

    /// <summary>Goal for every page at its default size: a median round trip at most this long.</summary>
    public static readonly TimeSpan Goal = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(IReadOnlyList<StorageKind> storages)
    {
        Console.WriteLine($"Pipelines dashboard benchmark: {Runs} runs of a {Wide50.Layers * Wide50.Width}-task pipeline, each page fetched {Samples} times over HTTP after {Warmups} warm-ups");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; goal: median ≤ {Goal.TotalMilliseconds:0} ms for each page at its default size");
        Console.WriteLine();
        var allMet = true;
        foreach (var kind in storages)
        {
            var name = kind == StorageKind.InMemory ? "in-memory" : "PostgreSQL";
            string? database = null;
            JobStorage storage;
            if (kind == StorageKind.PostgreSql)
            {
                database = PostgresServer.CreateDatabase("dashbench");
                var options = PipelinesStorage.PostgreSqlOptions();
                storage = PipelinesStorage.PostgreSql(database);
            }
            else
            {
                storage = new InMemoryStorage(new InMemoryStorageOptions());
            }

            await using var host = await DashboardBenchHost.StartAsync(storage);
            var seeding = Stopwatch.StartNew();
            var newest = Seed(storage, Wide50.Definition, host.Clock);
            Console.WriteLine($"[{name}] seeded {Runs} runs × {Wide50.Definition.Tasks.Length} tasks in {seeding.Elapsed.TotalSeconds:0.0} s");

            var run = Uri.EscapeDataString(newest);
            var pages = new (string Name, string Path, bool Default)[]
            {
                ("pipelines list", "/pipelines", true),
                ("pipeline (25 runs)", "/pipelines/bench_wide_50", true),
                ("pipeline (100 runs)", "/pipelines/bench_wide_50?runs=100", false),
                ("pipeline (500 runs)", "/pipelines/bench_wide_50?runs=500", false),
                ("run (Gantt)", $"/pipelines/bench_wide_50/runs/{run}", true),
                ("task instance", $"/pipelines/bench_wide_50/runs/{run}/tasks/L2T5", true),
            };
            Console.WriteLine($"  {"page",-22} {"median",9} {"p95",9} {"max",9} {"size",9} {"browser",9}  goal");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            await using var browser = await BrowserTimer.StartAsync();
            foreach (var page in pages)
            {
                var url = host.Url + page.Path;
                long size = 0;
                for (var i = 0; i < Warmups; i++) size = await FetchAsync(http, url);
                var times = new List<double>(Samples);
                for (var i = 0; i < Samples; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await FetchAsync(http, url);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                var median = times[times.Count / 2];
                var p95 = times[(int)Math.Ceiling(times.Count * 0.95) - 1];
                var met = median <= Goal.TotalMilliseconds;
                if (page.Default) allMet &= met;
                var load = browser is null ? "n/a" : $"{await browser.MedianLoadAsync(url, 5),7:0}ms";
                Console.WriteLine($"  {page.Name,-22} {median,7:0.0}ms {p95,7:0.0}ms {times[^1],7:0.0}ms {size / 1024.0,7:0}KB {load,9}  {(page.Default ? met ? "met" : "MISSED" : "n/a")}");
            }
            Console.WriteLine();
            if (database is not null) PostgresServer.DropDatabase(database);
        }
        return allMet ? 0 : 1;
    }

    private static async Task<long> FetchAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}");
        return body.LongLength;
    }

    /// <summary>Writes <see cref="Runs"/> finished runs, one per weekday back from today, and returns the newest run's id.</summary>
    private static string Seed(JobStorage storage, PipelineDefinition pipeline, IClock clock)
    {
        var zone = DateTimeZoneProviders.Tzdb[pipeline.TimeZone];
        var random = new Random(6);
        var date = clock.GetCurrentInstant().InZone(zone).Date;
        var dates = new List<LocalDate>(Runs);
        while (dates.Count < Runs)
        {
            date = date.PlusDays(-1);
            if (date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)) dates.Add(date);
        }
        dates.Reverse();
        var failing = pipeline["L1T3"].Index;
        string newest = "";
        using var connection = storage.GetConnection();
        for (var r = 0; r < dates.Count; r++)
        {
            var logicalDate = dates[r];
            var due = logicalDate.PlusDays(1).At(new LocalTime(4, 0)).InZoneLeniently(zone).ToInstant();
            var runId = RunIds.For(RunKind.Scheduled, logicalDate, due);
            var failed = r % 10 == 3;
            var downstreamOfFailure = new HashSet<int>();
            if (failed) Downstream(pipeline, failing, downstreamOfFailure);

            var ends = new Instant[pipeline.Tasks.Length];
            var tasks = ImmutableArray.CreateBuilder<TaskInstance>(pipeline.Tasks.Length);
            foreach (var task in pipeline.Tasks)
            {
                var start = task.Upstream.Length == 0 ? due + Duration.FromSeconds(1) : task.Upstream.Select(u => ends[u]).Max() + Duration.FromMilliseconds(random.Next(5, 60));
                var end = start + Duration.FromMilliseconds(random.Next(500, 30_000));
                ends[task.Index] = end;
                var jobs = ImmutableArray.Create($"{r * 100 + task.Index}");
                tasks.Add(failed && task.Index == failing
                    ? new TaskInstance(task.Id, TaskState.Failed, 1, start, end, "bench-server", "Failed on try 1: IOException: vendor FTP refused the connection.", jobs, null)
                    : failed && downstreamOfFailure.Contains(task.Index)
                        ? new TaskInstance(task.Id, TaskState.UpstreamFailed, 0, null, end, null, "Upstream failed.", ImmutableArray<string>.Empty, null)
                        : new TaskInstance(task.Id, TaskState.Success, 1, start, end, "bench-server", "Succeeded.", jobs, null));
            }
            var runEnd = ends.Max();
            var run = new PipelineRun(pipeline.Id, runId, RunKind.Scheduled, logicalDate,
                new Interval(logicalDate.AtStartOfDayInZone(zone).ToInstant(), logicalDate.PlusDays(1).AtStartOfDayInZone(zone).ToInstant()),
                new Dictionary<string, string>(), failed ? RunState.Failed : RunState.Success, due, due, runEnd, tasks.ToImmutable());
            using var transaction = connection.CreateWriteTransaction();
            PipelineStore.WriteRun(transaction, run);
            PipelineStore.WriteTasks(transaction, pipeline.Id, runId, run.Tasks);
            transaction.AddToSet(PipelineStore.RunsKey(pipeline.Id), runId, PipelineStore.Score(logicalDate, due));
            if (r == dates.Count - 1)
            {
                foreach (var task in pipeline.Tasks)
                    PipelineStore.AddLogLines(transaction, pipeline.Id, runId, task.Id, Enumerable.Range(0, 20).Select(line =>
                        PipelineStore.FormatLogLine(new TaskLogLine(1, ends[task.Index] - Duration.FromMilliseconds(20 - line), LogLevel.Information, $"{task.Id}: processed batch {line + 1} of 20 (4,096 rows)"), 1, line)));
                newest = runId;
            }
            transaction.Commit();
        }
        return newest;
    }

    private static void Downstream(PipelineDefinition pipeline, int from, HashSet<int> into)
    {
        foreach (var next in pipeline.Tasks[from].Downstream)
            if (into.Add(next)) Downstream(pipeline, next, into);
    }
}

/// <summary>A web host with the Hangfire dashboard and the Pipelines runtime (no Hangfire server: the seeded runs stay still).</summary>
internal sealed class DashboardBenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardBenchHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public IClock Clock => SystemClock.Instance;

    public static async Task<DashboardBenchHost> StartAsync(JobStorage storage)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new SilentLogProvider())
            .UseStorage(storage));
        builder.Services.AddPipelines(o =>
        {
            o.Pipelines = new[] { Wide50.Definition };
            o.RegisterSchedules = false;
        });
        var app = builder.Build();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = Array.Empty<global::Hangfire.Dashboard.IDashboardAuthorizationFilter>() });
        await app.StartAsync();
        return new DashboardBenchHost(app, $"http://127.0.0.1:{port}/hangfire");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Headless Debian Chromium through Playwright, to time page loads as an operator's browser sees them.</summary>
internal sealed class BrowserTimer : IAsyncDisposable
{
    private readonly Microsoft.Playwright.IPlaywright _playwright;
    private readonly Microsoft.Playwright.IBrowser _browser;

    private BrowserTimer(Microsoft.Playwright.IPlaywright playwright, Microsoft.Playwright.IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Starts Chromium, or returns null (and says so) when it is not installed.</summary>
    public static async Task<BrowserTimer?> StartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("PIPELINES_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            Console.WriteLine($"  (no Chromium at {executable}: browser load times are not measured)");
            return null;
        }
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new Microsoft.Playwright.BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run" },
        });
        return new BrowserTimer(playwright, browser);
    }

    public async Task<double> MedianLoadAsync(string url, int samples)
    {
        var page = await _browser.NewPageAsync(new Microsoft.Playwright.BrowserNewPageOptions { ViewportSize = new Microsoft.Playwright.ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(url);
        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(url, new Microsoft.Playwright.PageGotoOptions { WaitUntil = Microsoft.Playwright.WaitUntilState.Load });
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        var shot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-" + Slug(new Uri(url).PathAndQuery) + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = shot, FullPage = true });
        await page.CloseAsync();
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Slug(string path) =>
        new string(path.Replace("/hangfire/", "", StringComparison.Ordinal).Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
