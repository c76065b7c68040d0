using System;
using System.Collections.Generic;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>
/// A Hangfire server inside a command's process: its name (in the dashboard's list of servers and in each task's
/// record, so an operator sees which process ran a try) and the queues it takes jobs from.
/// </summary>
internal sealed record CliServer(string Name, IReadOnlyList<string> Queues)
{
    /// <summary><c>serve</c>: a fleet worker, on every queue of the app's pipelines.</summary>
    public static CliServer Serve(IReadOnlyList<PipelineDefinition> pipelines) =>
        new($"pipelines-serve:{Environment.MachineName}:{Environment.ProcessId}", new PipelineRegistry(pipelines).Queues);

    /// <summary>A command that runs in-memory work in its own process: every queue, since no other process can see that state.</summary>
    public static CliServer InMemory(IReadOnlyList<PipelineDefinition> pipelines) =>
        new($"pipelines-cli:{Environment.MachineName}:{Environment.ProcessId}", new PipelineRegistry(pipelines).Queues);
}
