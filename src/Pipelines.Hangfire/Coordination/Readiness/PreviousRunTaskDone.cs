using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// Depends on past, as Airflow's <c>PrevDagrunDep</c>: a task with <see cref="TaskDefinition.DependsOnPast"/> is not
/// queued until the same task in the previous run (<see cref="RunOrder"/>) has succeeded or been skipped; with
/// <see cref="TaskDefinition.WaitForDownstream"/>, that task's direct downstream tasks in the previous run must have
/// succeeded or been skipped too. The first run (no previous one) runs, and so does a task the previous run has no
/// record of (the task was added since), as does a downstream task it has no record of.
/// </summary>
/// <remarks>
/// It holds back only a task its trigger rule would run (<see cref="TaskReadiness.ToRun"/>): as in Airflow, a task whose
/// upstream failed is upstream_failed whatever the previous run did. When a task of a run succeeds or is skipped, the
/// next run is cascaded again (<see cref="PastDependence"/>); the reconciler's pass cascades every running run, so a lost
/// release is repaired.
/// </remarks>
internal sealed class PreviousRunTaskDone : IReadinessReason
{
    public const string Name = "Depends on past";

    public static readonly PreviousRunTaskDone Instance = new();

    /// <summary>Whether a task's instance in the previous run lets the next run's instance go on (Airflow's success and skipped).</summary>
    public static bool IsDone(TaskState state) => state is TaskState.Success or TaskState.Skipped;

    public TaskDependency? Evaluate(ReadinessContext context)
    {
        var task = context.Task;
        if (!(task.DependsOnPast || task.WaitForDownstream)) return null;
        // Judged when the task is queued: a task already queued or done is past this reason. Unknown (the reader did not
        // look the previous run up) says nothing rather than guess.
        if (context.State != TaskState.None || context.PreviousRun is not { } lookup) return null;
        if (lookup.Value is not { } previous)
            return new TaskDependency(Name, true, $"Task {task.Id} has no previous run to wait for (this is the pipeline's first run); it runs.");

        var state = previous.StateOf(task.Id);
        if (state is null)
            return new TaskDependency(Name, true, $"The previous run {previous} has no record of task {task.Id} (the task is newer than that run); it runs.");
        if (!IsDone(state.Value))
        {
            var fix = state.Value is TaskState.Failed or TaskState.UpstreamFailed ? " (clear or mark it)" : "";
            return new TaskDependency(Name, false, $"Task {task.Id} of the previous run {previous} is {state.Value.Name()}; it must succeed or be skipped{fix} before this run's {task.Id} is queued.");
        }
        if (!task.WaitForDownstream)
            return new TaskDependency(Name, true, $"Task {task.Id} of the previous run {previous} is {state.Value.Name()}.");

        var waiting = new List<string>();
        foreach (var d in task.Downstream)
        {
            var id = context.Pipeline.Tasks[d].Id;
            if (previous.StateOf(id) is { } s && !IsDone(s)) waiting.Add($"{id} {s.Name()}");
        }
        if (waiting.Count > 0)
            return new TaskDependency(Name, false, $"Wait for downstream: task {task.Id} of the previous run {previous} is {state.Value.Name()}, but its downstream is not done ({string.Join(", ", waiting)}); each must succeed or be skipped before this run's {task.Id} is queued.");
        return new TaskDependency(Name, true, task.Downstream.Length == 0
            ? $"Task {task.Id} of the previous run {previous} is {state.Value.Name()}; it has no downstream to wait for."
            : $"Task {task.Id} of the previous run {previous} is {state.Value.Name()}, and so is each of its downstream tasks (succeeded or skipped).");
    }
}
