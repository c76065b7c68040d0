using NightlyDataload;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipelines.Cli;
using Pipelines.Hangfire;

// The app hands its command line to Pipelines: `serve` (the default) runs Hangfire with the dashboard and /health;
// `trigger`, `backfill`, `clear`, `runs` and the rest operate the pipelines. Settings come from appsettings.json beside
// the app: the Pipelines section (retention, lock timeout; checked at start) and the sample's own (data folder, webhook),
// with NIGHTLY_DATA, NIGHTLY_WEBHOOK and NIGHTLY_VENDOR_FAILS overriding them.
var configuration = NightlySettings.LoadConfiguration();
var settings = NightlySettings.From(configuration);

return await PipelinesCli.RunAsync(args, cli =>
{
    cli.Configuration = configuration;
    cli.ConfigureServices = services =>
    {
        services.AddSingleton(settings);
        services.AddSingleton(DataFolders.From(settings));
        services.AddSingleton<SimulatedVendor>();
        if (settings.Webhook is { Length: > 0 } webhook)
            services.AddSingleton<IPipelineNotifier>(new WebhookNotifier(new HttpClient(), new Uri(webhook)));
        // Opt-in: Telemetry:Console=true (or NIGHTLY_TELEMETRY=console) prints the runs' spans and the Pipelines metrics.
        if (NightlySettings.TelemetryToConsole(configuration))
        {
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("NightlyDataload"))
                .WithTracing(t => t.AddSource(PipelinesTelemetry.Name).AddConsoleExporter())
                .WithMetrics(m => m.AddMeter(PipelinesTelemetry.Name)
                    .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000));
        }
    };
    // Only serve triggers the demo run, whatever options come before the verb.
    cli.ConfigureServeServices = services => services.AddHostedService<DemoRunOnStart>();
});
