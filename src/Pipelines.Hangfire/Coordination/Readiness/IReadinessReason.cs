namespace Pipelines.Hangfire;

/// <summary>
/// One reason a task may not run yet, as Airflow's <c>ti_deps</c>: met or not, with the sentence that says why. The
/// coordinator decides with these objects and the dashboard and the command line print their sentences, so a reason
/// is written once (<see cref="TaskReadiness"/> lists which decision consults which).
/// </summary>
internal interface IReadinessReason
{
    /// <summary>Judges the reason for the task in <paramref name="context"/>, or null when it does not apply to the task in its state.</summary>
    TaskDependency? Evaluate(ReadinessContext context);
}
