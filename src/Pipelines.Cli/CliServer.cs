using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>
/// A Hangfire server inside a command's process: its name (in the dashboard's list of servers and in each task's
/// record, so an operator sees which process ran a try) and the queues it takes jobs from.
/// </summary>
internal sealed record CliServer(string Name, IReadOnlyList<string> Queues)
{
    /// <summary>The queue this command's new runs send all their tasks to, so that only this server works on them; null to keep each task's own queue.</summary>
    public string? RunQueue { get; private init; }

    /// <summary><c>serve</c>: a fleet worker, on every queue of the app's pipelines.</summary>
    public static CliServer Serve(IReadOnlyList<PipelineDefinition> pipelines) =>
        new($"pipelines-serve:{Environment.MachineName}:{Environment.ProcessId}", new PipelineRegistry(pipelines).Queues);

    /// <summary>A command that runs in-memory work in its own process: every queue, since no other process can see that state.</summary>
    public static CliServer InMemory(IReadOnlyList<PipelineDefinition> pipelines) =>
        new($"pipelines-cli:{Environment.MachineName}:{Environment.ProcessId}", new PipelineRegistry(pipelines).Queues);

    /// <summary>
    /// <c>--local</c> on shared storage: a server on a queue of this process's own, to which the command's runs send every
    /// task; it takes nothing of any other run, so ending the command abandons no one else's work.
    /// </summary>
    public static CliServer Local()
    {
        var queue = PrivateQueue(Environment.MachineName, Environment.ProcessId);
        return new CliServer($"pipelines-cli-local:{Environment.MachineName}:{Environment.ProcessId}", new[] { queue }) { RunQueue = queue };
    }

    /// <summary><c>cli-&lt;machine&gt;-&lt;pid&gt;</c> in the characters Hangfire allows in a queue name (a-z, 0-9, _ and -).</summary>
    public static string PrivateQueue(string machine, int processId)
    {
        var name = new StringBuilder("cli-");
        foreach (var c in machine.ToLowerInvariant()) name.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-' ? c : '-');
        return name.Append('-').Append(processId.ToString(CultureInfo.InvariantCulture)).ToString();
    }
}
