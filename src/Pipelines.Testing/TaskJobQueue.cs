using System;
using System.Collections.Generic;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Pipelines.Hangfire;

namespace Pipelines.Testing;

/// <summary>
/// Stands in for Hangfire's job client: the coordinator's jobs (one per try or poke) are kept here, in the order it made
/// them, for the test host to run one at a time instead of a Hangfire server.
/// </summary>
internal sealed class TaskJobQueue : IBackgroundJobClient
{
    private readonly List<TaskJob> _pending = new();
    private int _nextId;

    /// <summary>The jobs not run yet, oldest first.</summary>
    public IReadOnlyList<TaskJob> Pending => _pending;

    public string Create(Job job, IState state)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!TryJob.TryRead(job, out var tryJob))
            throw new NotSupportedException($"The test host runs only the pipeline's task jobs, not {job.Type.Name}.{job.Method.Name}.");
        var id = (++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _pending.Add(new TaskJob(id, tryJob.Value));
        return id;
    }

    public bool ChangeState(string jobId, IState state, string expectedState)
    {
        // Deleting or requeueing a job changes nothing here: a job that must not run finds its try stale when it starts.
        return _pending.Exists(j => j.Id == jobId);
    }

    public void Remove(TaskJob job) => _pending.Remove(job);

    public void RemoveWhere(Predicate<TaskJob> match) => _pending.RemoveAll(match);
}

/// <summary>One try's job: its id and the try the coordinator gave it (<see cref="Pipelines.Hangfire.TryJob"/>).</summary>
internal sealed record TaskJob(string Id, TryJob Try)
{
    public string RunId => Try.RunId;

    public string TaskId => Try.TaskId;

    public int TryNumber => Try.TryNumber;
}
