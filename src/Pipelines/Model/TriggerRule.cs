// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.TriggerRule. Keep it netstandard2.0-compatible.
#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>When a task may run, given the states of its direct upstream tasks (Airflow's trigger rules).</summary>
public enum TriggerRule
{
    /// <summary>Every upstream task succeeded (the default).</summary>
    AllSuccess,
    /// <summary>Every upstream task failed or is upstream_failed.</summary>
    AllFailed,
    /// <summary>Every upstream task is done, whatever its state.</summary>
    AllDone,
    /// <summary>
    /// Every upstream task is done and at least one succeeded. As in Airflow, a skipped upstream task skips it, and every
    /// upstream task done with none succeeded makes it upstream_failed.
    /// </summary>
    AllDoneMinOneSuccess,
    /// <summary>Every upstream task was skipped.</summary>
    AllSkipped,
    /// <summary>At least one upstream task failed; runs without waiting for the others.</summary>
    OneFailed,
    /// <summary>At least one upstream task succeeded; runs without waiting for the others.</summary>
    OneSuccess,
    /// <summary>At least one upstream task succeeded or failed; runs without waiting for the others.</summary>
    OneDone,
    /// <summary>No upstream task failed or is upstream_failed: each succeeded or was skipped.</summary>
    NoneFailed,
    /// <summary>No upstream task failed and at least one succeeded.</summary>
    NoneFailedMinOneSuccess,
    /// <summary>No upstream task was skipped: each succeeded, failed or is upstream_failed.</summary>
    NoneSkipped,
    /// <summary>Runs as soon as the run starts, whatever its upstream tasks do.</summary>
    Always,
}
