using System.Diagnostics;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>The samples as a user runs them, each a separate process on Hangfire: the main job (NightlyDataload) and the lunch bot.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task The_nightly_dataload_sample_runs_to_success_and_writes_its_outputs()
    {
        var data = Path.Combine(Path.GetTempPath(), "nightly-sample-" + Guid.NewGuid().ToString("N")[..8]);
        var (exitCode, text) = await RunSampleAsync("samples/NightlyDataload",
            new[] { "trigger", "nightly_dataload", "--date", "2024-11-27", "--wait" },
            new Dictionary<string, string> { ["NIGHTLY_DATA"] = data, ["NIGHTLY_VENDOR_FAILS"] = "1" });

        Assert.True(exitCode == 0, text);
        Assert.Matches(@"Run manual__2024-11-27__\w+ of nightly_dataload \(2024-11-27\): success", text);
        foreach (var task in new[] { "VendorFilesArrived", "ListVendorFiles", "BuildDailyFundamentals" })
            Assert.Matches($@"{task}\s+│ success\s+│ 1 ", text);
        // One ingest instance per region's file, all succeeded.
        Assert.Matches(@"IngestFundamentals \(3\s+│ success\s+│ 0 .*3 instance\(s\): 3", text);

        // The drop: a header and five, two and three companies.
        Assert.Equal([6, 3, 4], new[] { "amer", "apac", "emea" }.Select(region => File.ReadAllLines(Path.Combine(data, "vendor-drop", $"fundamentals_20241127_{region}.csv")).Length));
        using var daily = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "warehouse", "daily_fundamentals_20241127.json")));
        Assert.Equal("2024-11-27", daily.RootElement.GetProperty("session").GetString());
        Assert.Equal(10, daily.RootElement.GetProperty("Companies").GetInt32());
        Assert.Equal(["fundamentals_20241127_amer.csv", "fundamentals_20241127_apac.csv", "fundamentals_20241127_emea.csv"], daily.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        // The risk jobs wait for the session's prices too (risk_models, on both assets), so this run alone queues none.
        Assert.False(Directory.Exists(Path.Combine(data, "risk-jobs")));
        Directory.Delete(data, recursive: true);
    }

    [Theory]
    [InlineData("2025-11-26", "POSTED the company meeting notice for 2025-11-26 (Wednesday)", "Company meeting! Don't order today.")]
    [InlineData("2025-11-28", "POSTED the lunch order reminder for 2025-11-28 (Friday)",
        "Lunch order reminder for Friday, November 28: put your order in the sheet by 11:00. NYSE closes early at 13:00 today (Day after Thanksgiving Day).")]
    [InlineData("2025-11-27", "SKIPPED: 2025-11-27 (Thursday) is not an NYSE session (Thanksgiving Day)", null)]
    public async Task The_lunch_bot_sample_posts_on_sessions_with_the_early_close_and_skips_holidays(string date, string outcome, string? posted)
    {
        using var listener = LoopbackListener.Start("hook", out var hook);
        var received = new List<string>();
        var listening = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                System.Net.HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (System.Net.HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    using var json = System.Text.Json.JsonDocument.Parse(reader.ReadToEnd());
                    lock (received) received.Add(json.RootElement.GetProperty("text").GetString()!);
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        // At 09:01 New York on the day itself: the nine o'clock sensor is satisfied at once.
        var (exitCode, text) = await RunSampleAsync("samples/LunchBot",
            new[] { "--once", "--date", date, "--now", date + "T09:01", "--webhook", hook, "--urls", "http://127.0.0.1:0" });
        listener.Stop();
        await listening;

        Assert.True(exitCode == 0, text);
        Assert.Contains(outcome, text, StringComparison.Ordinal);
        Assert.Equal(posted is null ? Array.Empty<string>() : new[] { posted }, received);
    }

    /// <summary>Runs a sample with <c>dotnet run</c> as a user would, and returns its exit code and everything it printed.</summary>
    private static async Task<(int ExitCode, string Output)> RunSampleAsync(string project, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "--project", project, "--" }.Concat(args)) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        // No build node or compiler server outlives the command: a test ends every process it starts.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet run --project {project} did not finish within 4 minutes.");
        }
        return (process.ExitCode, await output + await error);
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
