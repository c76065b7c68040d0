using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Pipelines.Cli;

/// <summary>How an app hosts the Pipelines command line.</summary>
public sealed class PipelinesCliOptions
{
    /// <summary>Registers the services the app's pipeline classes take in their constructors.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>
    /// Registers services only <c>serve</c> has, after <see cref="ConfigureServices"/>: hosted services that belong to the
    /// long-running server (a demo run at start, a warm-up), which no other verb should start.
    /// </summary>
    /// <example><code>cli.ConfigureServeServices = services => services.AddHostedService&lt;DemoRunOnStart&gt;();</code></example>
    public Action<IServiceCollection>? ConfigureServeServices { get; set; }

    /// <summary>
    /// The app's configuration; null loads <see cref="LoadConfiguration"/> (appsettings.json beside the app, then
    /// environment variables). Every command's host sees it as its <see cref="IConfiguration"/>, and its <c>Pipelines</c>
    /// section, when present, is bound to <c>PipelinesOptions</c> and checked at start: a bad value stops the command with
    /// one line naming the key.
    /// </summary>
    /// <example><code>
    /// var configuration = PipelinesCliOptions.LoadConfiguration();
    /// return await PipelinesCli.RunAsync(args, cli =>
    /// {
    ///     cli.Configuration = configuration;
    ///     cli.ConfigureServices = services => services.AddSingleton(new Folders(configuration["MyApp:DataFolder"]));
    /// });
    /// </code></example>
    public IConfiguration? Configuration { get; set; }

    /// <summary>The section of <see cref="Configuration"/> bound to <c>PipelinesOptions</c> when present.</summary>
    public const string PipelinesSection = "Pipelines";

    /// <summary>
    /// The configuration an app gets by default: <c>appsettings.json</c> and <c>appsettings.{environment}.json</c> from
    /// <paramref name="directory"/> (the app's base directory by default, so it does not depend on the current
    /// directory), both optional (as is the folder), then environment variables (<c>Pipelines__LockTimeout</c> overrides
    /// <c>Pipelines:LockTimeout</c>). The environment is DOTNET_ENVIRONMENT, else ASPNETCORE_ENVIRONMENT, else Production.
    /// </summary>
    public static IConfigurationRoot LoadConfiguration(string? directory = null)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
            : Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspnet ? aspnet : "Production";
        var builder = new ConfigurationBuilder();
        directory ??= AppContext.BaseDirectory;
        if (Directory.Exists(directory))
        {
            builder.SetBasePath(directory)
                .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
                .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false);
        }
        return builder.AddEnvironmentVariables().Build();
    }

    /// <summary>The pipelines to operate; by default every generated pipeline of the loaded assemblies.</summary>
    public IReadOnlyList<PipelineDefinition>? Pipelines { get; set; }

    /// <summary>Where normal output goes; the console by default.</summary>
    public TextWriter? Out { get; set; }

    /// <summary>Where errors go; the console's error stream by default.</summary>
    public TextWriter? Error { get; set; }

    /// <summary>The clock for "today" and next run times.</summary>
    public IClock Clock { get; set; } = SystemClock.Instance;

    /// <summary>Hangfire workers for commands that run tasks in-process (trigger, backfill, serve).</summary>
    public int WorkerCount { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);
}
