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
        var port = Random.Shared.Next(20_000, 40_000);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "--project", "samples/NightlyDataload", "--", "--once", "--urls", $"http://127.0.0.1:{port}", "--data", data }) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;

        Assert.True(process.ExitCode == 0, text);
        Assert.Contains($"Hangfire dashboard: http://127.0.0.1:{port}/hangfire", text, StringComparison.Ordinal);
        Assert.Matches(@"Run manual__\d{4}-\d{2}-\d{2}__\w+: success; daily fundamentals: \{""session"":""\d{4}-\d{2}-\d{2}"",""companies"":5,""totalMarketCap"":\d+\.\d+\}", text);
        foreach (var task in new[] { "VendorFileArrived", "IngestFundamentals", "BuildDailyFundamentals", "QueueRiskMetricsJob", "Backtest" })
            Assert.Matches($@"  {task}\s+success", text);
        var written = Assert.Single(Directory.GetFiles(Path.Combine(data, "vendor-drop"), "fundamentals_*.csv"));
        Assert.Equal(6, File.ReadAllLines(written).Length);
        Directory.Delete(data, recursive: true);
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
