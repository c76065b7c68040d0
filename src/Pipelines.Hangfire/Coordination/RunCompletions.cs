using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Pipelines.Hangfire;

/// <summary>
/// Tries of one run that end on this server at about the same time, applied together: the first to arrive leads, and its
/// one step (<see cref="RunStep"/>) applies its own end and those of every try of the run that arrived before the step
/// began (up to <see cref="MaxBatch"/>); the others wait for that step instead of for the run's lock, and the next to
/// arrive during it leads the following one. A 1,000-task fan-out's tasks end ten at a time on ten workers and each took
/// the run's lock, read the run and committed in a step of its own, one after another; together they take it, read and
/// commit once per batch. Every try's end is applied exactly as on its own (<see cref="RunCoordinator.CompleteTry"/>): a
/// stale one is passed over, the others are applied.
/// </summary>
/// <remarks>
/// <para>Flat combining, as a database's group commit: nothing waits for a batch to fill, a lone try's end is applied at
/// once, and a batch forms only from the tries that would otherwise have queued for the lock.</para>
/// <para>When the step fails (a lock timeout, a storage failure), every try of its batch gets the same exception and
/// handles it as it would its own step's (<see cref="PipelineTaskJob"/> keeps its result and applies it on its own).</para>
/// <para>Used where the run's lock lives in this process (<see cref="RunCoordinator.CompleteTryTogether"/>), whose storage
/// lives and dies with it: a try waiting here holds its result only in memory until its batch's step keeps it (in the step,
/// or in one write before the step waits for a busy lock). On a database each try's end stays a step of its own.</para>
/// </remarks>
internal sealed class RunCompletions
{
    /// <summary>The most tries' ends one step applies (a step's reads and writes grow with it).</summary>
    public const int MaxBatch = 64;

    private readonly object _sync = new();
    private readonly Dictionary<string, Queue> _runs = new(StringComparer.Ordinal);

    /// <summary>
    /// Applies <paramref name="end"/> to the run <paramref name="runKey"/> names, in a step of its own or with others
    /// (<paramref name="step"/> applies a batch and returns each try's new task, or null for a stale one, and calls the
    /// action it is given with them once its step committed and released the run's lock). Returns the task as the step left
    /// it, or null when the end was stale; throws what the step threw.
    /// </summary>
    /// <remarks>
    /// The batch's tries go on, and the next waiting try leads the following step, as soon as the step committed: the work
    /// that follows a step (slots released, waiting runs started, events sent) overlaps the next step, as it did when each
    /// try waited for the run's lock itself.
    /// </remarks>
    public TaskInstance? Apply(string runKey, EndedTry end, Func<IReadOnlyList<EndedTry>, Action<TaskInstance?[]>, TaskInstance?[]> step)
    {
        var mine = new Entry(end);
        Queue queue;
        List<Entry> batch;
        lock (_sync)
        {
            if (!_runs.TryGetValue(runKey, out queue!)) _runs[runKey] = queue = new Queue();
            queue.Waiting.Add(mine);
            if (!queue.Leading) queue.Leading = true;
            else mine.Signal = new ManualResetEventSlim(false, spinCount: 0);
        }
        if (mine.Signal is not null)
        {
            // Woken only for this try: its end was applied (or failed), or it leads the next step.
            // (Not disposed: it has no wait handle to free, and the leader may still be inside Set.)
            mine.Signal.Wait();
            if (mine.Done) return mine.Result();
        }
        lock (_sync)
        {
            var count = Math.Min(queue.Waiting.Count, MaxBatch);
            batch = queue.Waiting.GetRange(0, count);
            queue.Waiting.RemoveRange(0, count);
        }

        var handedOff = false;
        void Finish(TaskInstance?[]? finals, Exception? error)
        {
            lock (_sync)
            {
                // Once: a second call would signal a try that now waits for the next step, or drop the queue its leader uses.
                if (handedOff) return;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Final = finals?[i];
                    batch[i].Error = error is null ? null : ExceptionDispatchInfo.Capture(error);
                    batch[i].Done = true;
                    batch[i].Signal?.Set();
                }
                // The next waiting try leads the following step; with none, the run's queue is dropped.
                if (queue.Waiting.Count > 0) queue.Waiting[0].Signal!.Set();
                else
                {
                    queue.Leading = false;
                    _runs.Remove(runKey);
                }
                handedOff = true;
            }
        }

        var ends = new EndedTry[batch.Count];
        for (var i = 0; i < ends.Length; i++) ends[i] = batch[i].End;
        TaskInstance?[] applied;
        try
        {
            applied = step(ends, committed => Finish(committed, null));
        }
        catch (Exception ex)
        {
            // A failure after the step committed (the work that follows it) is this try's alone: the batch has its results.
            if (!handedOff) Finish(null, ex);
            throw;
        }
        // A step that changed nothing (every end stale) never committed.
        if (!handedOff) Finish(applied, null);
        return mine.Result();
    }

    /// <summary>How many tries of the run <paramref name="runKey"/> names wait for a step to apply them (not those being applied).</summary>
    public int Waiting(string runKey)
    {
        lock (_sync) return _runs.TryGetValue(runKey, out var queue) ? queue.Waiting.Count : 0;
    }

    /// <summary>The runs with tries waiting or being applied now (for tests: a finished run leaves nothing behind).</summary>
    public int ActiveRuns
    {
        get
        {
            lock (_sync) return _runs.Count;
        }
    }

    private sealed class Queue
    {
        public readonly List<Entry> Waiting = new();
        public bool Leading;
    }

    private sealed class Entry(EndedTry end)
    {
        public EndedTry End { get; } = end;
        public bool Done;
        // Set when the try waits for another's step: the leader sets it once the try's end is applied, or to let it lead.
        public ManualResetEventSlim? Signal;
        public TaskInstance? Final;
        public ExceptionDispatchInfo? Error;

        public TaskInstance? Result()
        {
            Error?.Throw();
            return Final;
        }
    }
}
