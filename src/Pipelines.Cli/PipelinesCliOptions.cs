using System;
using System.Collections.Generic;
using System.IO;
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
