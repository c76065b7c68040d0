using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NightlyDataload;

/// <summary>
/// The sample's own settings, from the <c>NightlyDataload</c> section of appsettings.json beside the app. The
/// environment variables the README uses still win: NIGHTLY_DATA, NIGHTLY_WEBHOOK, NIGHTLY_VENDOR_FAILS, and
/// NIGHTLY_TELEMETRY=console (or Telemetry__Console=true) for <c>Telemetry:Console</c>.
/// </summary>
public sealed class NightlySettings
{
    public const string Section = "NightlyDataload";

    /// <summary>Where the sample reads and writes; empty for a folder under the temp directory.</summary>
    public string? DataFolder { get; set; }

    /// <summary>A Slack-compatible webhook URL to be told about retries and failures; empty for none.</summary>
    public string? Webhook { get; set; }

    /// <summary>How many ingest tries the simulated vendor refuses, to watch retries and notifications.</summary>
    public int VendorFailures { get; set; }

    /// <summary>
    /// The app's configuration (appsettings.json beside the app, then environment variables), with the sample's
    /// NIGHTLY_* variables layered on top under their configuration keys.
    /// </summary>
    public static IConfiguration LoadConfiguration()
    {
        var overrides = new Dictionary<string, string?>();
        void Map(string variable, string key)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value) overrides[key] = value;
        }
        Map("NIGHTLY_DATA", $"{Section}:{nameof(DataFolder)}");
        Map("NIGHTLY_WEBHOOK", $"{Section}:{nameof(Webhook)}");
        Map("NIGHTLY_VENDOR_FAILS", $"{Section}:{nameof(VendorFailures)}");
        if (Environment.GetEnvironmentVariable("NIGHTLY_TELEMETRY") is { Length: > 0 } telemetry)
            overrides["Telemetry:Console"] = string.Equals(telemetry, "console", StringComparison.OrdinalIgnoreCase) ? "true" : "false";
        return new ConfigurationBuilder()
            .AddConfiguration(Pipelines.Cli.PipelinesCliOptions.LoadConfiguration())
            .AddInMemoryCollection(overrides)
            .Build();
    }

    public static NightlySettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new NightlySettings
        {
            DataFolder = section[nameof(DataFolder)],
            Webhook = section[nameof(Webhook)],
            VendorFailures = int.TryParse(section[nameof(VendorFailures)], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
        };
    }

    /// <summary>Whether to print the Pipelines traces and metrics to the console (off by default, to keep output clean).</summary>
    public static bool TelemetryToConsole(IConfiguration configuration) =>
        bool.TryParse(configuration["Telemetry:Console"], out var on) && on;
}
