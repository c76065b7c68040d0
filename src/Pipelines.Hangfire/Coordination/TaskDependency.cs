namespace Pipelines.Hangfire;

/// <summary>One reason a task may or may not run, answered in a sentence.</summary>
/// <param name="Name">What is checked: "Trigger rule (all_success)", "Retry period", "Run is active", ...</param>
/// <param name="Met">Whether this reason allows the task to run.</param>
/// <param name="Sentence">Why, for people.</param>
public sealed record TaskDependency(string Name, bool Met, string Sentence);
