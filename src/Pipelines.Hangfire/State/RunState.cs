using System;
namespace Pipelines.Hangfire;

/// <summary>The state of a run.</summary>
public enum RunState
{
    /// <summary>Created, waiting for a free slot under the pipeline's MaxActiveRuns.</summary>
    Queued,
    /// <summary>Its tasks are being run.</summary>
    Running,
    /// <summary>Every task is done and no leaf task (one with nothing downstream) failed or is upstream_failed, as in Airflow.</summary>
    Success,
    /// <summary>Every task is done and a leaf task (one with nothing downstream) failed or could not run because of a failure.</summary>
    Failed,
}

/// <summary>Names of <see cref="RunState"/>.</summary>
public static class RunStates
{
    /// <summary>The lowercase name used in storage, the CLI and the dashboard.</summary>
    public static string Name(this RunState state) => state.ToString().ToLowerInvariant();

    /// <summary>Reads a name written by <see cref="Name"/>.</summary>
    public static RunState Parse(string? name) => name switch
    {
        "queued" => RunState.Queued,
        "running" => RunState.Running,
        "success" => RunState.Success,
        "failed" => RunState.Failed,
        _ => throw new FormatException($"'{name}' is not a run state."),
    };

    /// <summary>Whether the run has ended.</summary>
    public static bool IsFinished(this RunState state) => state is RunState.Success or RunState.Failed;
}
