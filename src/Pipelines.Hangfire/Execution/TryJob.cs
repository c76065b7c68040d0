using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Threading;
using Hangfire.Common;

namespace Pipelines.Hangfire;

/// <summary>
/// The Hangfire job of one try: which try it runs (pipeline, run, task, try number) and the queue it is routed to. This is
/// the one place that lays a try out as a job's arguments, as they are stored with the job, and reads them back: the
/// coordinator's steps create jobs with <see cref="ToJob"/>, and whatever reads a stored job (the test host's queue)
/// reads it with <see cref="TryRead"/>.
/// </summary>
/// <remarks>
/// A try's job calls <see cref="PipelineTaskJob.Run"/> with the try as one array of plain strings (pipeline id, run id,
/// task id, try number) and its queue: Hangfire deserializes a job's arguments, one JSON value each, every time it reads the
/// job (its state changes and its performance, three times per try), and the eight arguments of the earlier layout
/// (<see cref="PipelineTaskJob.Execute"/>: each id apart, the try number, the queue, the logical date for the display
/// name, and the context and cancellation token) cost three times what these two do, a few percent of a try's CPU in the
/// in-memory fan-out. An array keeps every id as it is, whatever characters it holds, where one joined string would need a
/// separator no id may contain. Jobs stored in the earlier layout still run and read back.
/// </remarks>
internal readonly record struct TryJob(string PipelineId, string RunId, string TaskId, int TryNumber, string Queue)
{
    /// <summary>Where <see cref="PipelineTaskJob.Run"/>'s queue argument stands, as Hangfire's <c>[Queue]</c> formats it.</summary>
    public const string RunQueue = "{1}";

    /// <summary>Where the earlier layout's queue argument stands (<see cref="PipelineTaskJob.Execute"/>).</summary>
    public const string ExecuteQueue = "{4}";

    private static readonly MethodInfo s_run = typeof(PipelineTaskJob).GetMethod(nameof(PipelineTaskJob.Run))!;

    /// <summary>The try's Hangfire job, in the current layout.</summary>
    public Job ToJob() => new(typeof(PipelineTaskJob), s_run, Ids(), Queue, null, CancellationToken.None);

    /// <summary>The ids argument of <see cref="PipelineTaskJob.Run"/>: pipeline id, run id, task id, try number.</summary>
    public string[] Ids() => new[] { PipelineId, RunId, TaskId, TryNumber.ToString(CultureInfo.InvariantCulture) };

    /// <summary>The try that <see cref="PipelineTaskJob.Run"/>'s arguments name; an exception that names the problem for anything else.</summary>
    public static TryJob FromArguments(string[]? ids, string queue) =>
        TryFromArguments(ids, queue, out var tryJob) ? tryJob : throw new ArgumentException(
            $"A try's job names its try as [pipeline id, run id, task id, try number]; this one has [{(ids is null ? "" : string.Join(", ", ids))}]. " +
            "Jobs of PipelineTaskJob are created by the runtime; do not create or edit them by hand.", nameof(ids));

    private static bool TryFromArguments(string[]? ids, string queue, out TryJob tryJob)
    {
        tryJob = default;
        if (ids is not [{ } pipelineId, { } runId, { } taskId, var number]
            || !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var tryNumber) || tryNumber < 1) return false;
        tryJob = new TryJob(pipelineId, runId, taskId, tryNumber, queue);
        return true;
    }

    /// <summary>
    /// Reads the try of a stored job of <see cref="PipelineTaskJob"/>, in either layout; false for any other job.
    /// </summary>
    public static bool TryRead(Job job, [NotNullWhen(true)] out TryJob? tryJob)
    {
        tryJob = null;
        if (job.Type != typeof(PipelineTaskJob)) return false;
        if (job.Method.Name == nameof(PipelineTaskJob.Run) && job.Args is [string[] ids, string queue, ..])
        {
            if (!TryFromArguments(ids, queue, out var read)) return false;
            tryJob = read;
            return true;
        }
        if (job.Method.Name == nameof(PipelineTaskJob.Execute) && job.Args is [string pipelineId, string runId, string taskId, int tryNumber, string oldQueue, ..] && tryNumber >= 1)
        {
            tryJob = new TryJob(pipelineId, runId, taskId, tryNumber, oldQueue);
            return true;
        }
        return false;
    }

    /// <summary>
    /// How the job is named in Hangfire's dashboard: the pipeline and task, the run, and the try after the first
    /// (<c>nightly_dataload.load_prices [scheduled__2026-12-01]</c>, <c>... try 2</c>). The ids the runtime gives runs hold
    /// their logical date; the run's record keeps it, whatever its id.
    /// </summary>
    public string DisplayName => $"{PipelineId}.{TaskId} [{RunId}]{(TryNumber > 1 ? $" try {TryNumber.ToString(CultureInfo.InvariantCulture)}" : "")}";
}
