namespace Pipelines.Hangfire;

/// <summary>Which undecided tasks a coordination step re-evaluates against their trigger rules.</summary>
internal enum CascadeScope
{
    /// <summary>Every task, in topological order: a run starting, an operator's change, a repair.</summary>
    All,
    /// <summary>The tasks the step changed and what lies downstream of them: a try ending.</summary>
    Changed,
    /// <summary>None: a try starting changes nothing any other task waits on.</summary>
    None,
}
