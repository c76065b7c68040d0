using NightlyDataload;
using Pipelines.Cli;
using Pipelines.Hangfire;

// The app hands its command line to Pipelines: `serve` (the default) runs Hangfire with the dashboard; `trigger`,
// `backfill`, `clear`, `runs` and the rest operate the pipelines. Set NIGHTLY_WEBHOOK to a Slack-compatible webhook
// URL to be told about retries and failures.
return await PipelinesCli.RunAsync(args, cli =>
{
    cli.ConfigureServices = services =>
    {
        services.AddSingleton(DataFolders.FromEnvironment());
        services.AddSingleton<SimulatedVendor>();
        if (Environment.GetEnvironmentVariable("NIGHTLY_WEBHOOK") is { Length: > 0 } webhook)
            services.AddSingleton<IPipelineNotifier>(new WebhookNotifier(new HttpClient(), new Uri(webhook)));
    };
    // Only serve triggers the demo run, whatever options come before the verb.
    cli.ConfigureServeServices = services => services.AddHostedService<DemoRunOnStart>();
});
