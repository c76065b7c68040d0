using System;
using System.Collections.Generic;
using System.Globalization;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// A try's result kept in storage the moment the try ends, outside the run's lock (unless the run's lock lives in this
/// process and is free: then the step that applies it keeps it, see <see cref="PipelineTaskJob"/>), so that a busy or dead
/// lock holder, a storage failure or a crash between the try and its coordination step delays the cascade but never changes
/// or loses the outcome: the job applies it when it gets the run's lock, and otherwise the try's redelivered job or the
/// reconciler does. One field per task (<c>try|execution|result</c>); writing it again for the same try changes nothing.
/// </summary>
internal static class RecordedResults
{
    /// <summary>Keeps <paramref name="result"/> of try <paramref name="tryNumber"/> (execution <paramref name="execution"/>).</summary>
    public static void Record(JobStorage storage, string pipelineId, string runId, string taskId, int tryNumber, string? execution, TryResult result) =>
        Record(storage, pipelineId, runId, new[] { new EndedTry(taskId, tryNumber, null, execution, result) });

    /// <summary>Keeps the results of tries of one run in one write (their step's lock was busy, <see cref="RunCoordinator.CompleteTryTogether"/>).</summary>
    public static void Record(JobStorage storage, string pipelineId, string runId, IReadOnlyList<EndedTry> ends)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var end in ends) fields[end.TaskId] = Write(pipelineId, runId, end.TaskId, end.TryNumber, end.Execution, end.Result).Value;
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetRangeInHash(PipelineStore.ResultsKey(pipelineId, runId), fields);
        transaction.Commit();
    }

    /// <summary>The field that keeps <paramref name="result"/> (written by <see cref="Record(JobStorage, string, string, string, int, string?, TryResult)"/>, or with the step's lock, see <see cref="RunStep.Apply"/>).</summary>
    public static HashFieldWrite Write(string pipelineId, string runId, string taskId, int tryNumber, string? execution, TryResult result) =>
        new(PipelineStore.ResultsKey(pipelineId, runId), taskId, string.Join('|', tryNumber.ToString(CultureInfo.InvariantCulture), execution ?? "", result.ToJson()));

    /// <summary>The results kept for a run's tasks (task id → the last try's recorded result).</summary>
    public static Dictionary<string, Recorded> ReadAll(IStorageConnection connection, string pipelineId, string runId)
    {
        var all = new Dictionary<string, Recorded>(StringComparer.Ordinal);
        foreach (var (taskId, value) in connection.GetAllEntriesFromHash(PipelineStore.ResultsKey(pipelineId, runId)) ?? new Dictionary<string, string>())
            if (Parse(value) is { } recorded) all[taskId] = recorded;
        return all;
    }

    /// <summary>The result kept for one task, or null.</summary>
    public static Recorded? Read(IStorageConnection connection, string pipelineId, string runId, string taskId)
    {
        var value = connection is JobStorageConnection fields
            ? fields.GetValueFromHash(PipelineStore.ResultsKey(pipelineId, runId), taskId)
            : (connection.GetAllEntriesFromHash(PipelineStore.ResultsKey(pipelineId, runId)) ?? new Dictionary<string, string>()).GetValueOrDefault(taskId);
        return value is null ? null : Parse(value);
    }

    private static Recorded? Parse(string value)
    {
        var parts = value.Split('|', 3);
        if (parts.Length < 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tryNumber)) return null;
        return new Recorded(tryNumber, parts[1].Length == 0 ? null : parts[1], TryResult.FromJson(parts[2]));
    }

    /// <summary>A kept result: the try, the execution that produced it, and the result.</summary>
    public sealed record Recorded(int TryNumber, string? Execution, TryResult Result)
    {
        /// <summary>Whether this is the result of the task's current execution.</summary>
        public bool IsOf(TaskInstance task) => task.State == TaskState.Running && task.TryNumber == TryNumber && task.Execution == Execution;
    }
}
