using System.Diagnostics;

namespace Pipelines.Hangfire.Tests;

/// <summary>The main job, as a user runs it: the NightlyDataload sample on Hangfire, as a separate process.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task The_nightly_dataload_sample_runs_to_success_and_writes_its_outputs()
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));
        var data = Path.Combine(Path.GetTempPath(), "nightly-sample-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "--project", "samples/NightlyDataload", "--", "trigger", "nightly_dataload", "--date", "2024-11-27", "--wait" }) start.ArgumentList.Add(a);
        start.Environment["NIGHTLY_DATA"] = data;
        start.Environment["NIGHTLY_VENDOR_FAILS"] = "1";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;

        Assert.True(process.ExitCode == 0, text);
        Assert.Matches(@"Run manual__2024-11-27__\w+ of nightly_dataload \(2024-11-27\): success", text);
        foreach (var task in new[] { "VendorFileArrived", "BuildDailyFundamentals", "QueueRiskMetricsJob", "QueueFundRiskModel", "QueuePublicRiskModel", "RunContest", "Backtest" })
            Assert.Matches($@"{task}\s+│ success\s+│ 1 ", text);
        Assert.Matches(@"IngestFundamentals\s+│ success\s+│ 2 .*Succeeded on try 2\.", text); // the vendor refused the first try

        Assert.Equal(6, File.ReadAllLines(Path.Combine(data, "vendor-drop", "fundamentals_20241127.csv")).Length);
        using var daily = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "warehouse", "daily_fundamentals_20241127.json")));
        Assert.Equal("2024-11-27", daily.RootElement.GetProperty("session").GetString());
        Assert.Equal(5, daily.RootElement.GetProperty("Companies").GetInt32());
        Assert.Equal(new[] { "backtest_20241127.json", "contest_20241127.json", "fund_risk_model_20241127.json", "public_risk_model_20241127.json", "risk_metrics_20241127.json" },
            Directory.GetFiles(Path.Combine(data, "risk-jobs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Directory.Delete(data, recursive: true);
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
