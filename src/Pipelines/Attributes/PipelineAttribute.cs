// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PipelineAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Marks a <c>partial</c> class as a pipeline: a DAG of its <see cref="PipelineTaskAttribute"/> methods.
/// The source generator validates the graph and every setting at compile time and emits a static
/// <see cref="PipelineDefinition"/> for it.
/// </summary>
/// <example>
/// <code>
/// [Pipeline("nightly_dataload", Schedule = "0 4 * * *", TimeZone = "America/New_York", Calendar = "XNYS")]
/// public sealed partial class NightlyDataload { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PipelineAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="id">The pipeline id: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>; unique in the assembly.</param>
    public PipelineAttribute(string id) => Id = id;

    /// <summary>The pipeline id.</summary>
    public string Id { get; }

    /// <summary>
    /// A cron expression (five fields, or six with seconds) or one of the presets <c>@hourly</c>, <c>@daily</c>,
    /// <c>@weekly</c>, <c>@monthly</c>, <c>@yearly</c>, <c>@once</c>. Leave unset for a pipeline that is only triggered by hand.
    /// </summary>
    public string? Schedule { get; set; }

    /// <summary>The IANA time zone the schedule is read in, such as <c>America/New_York</c>. Defaults to <c>UTC</c>.</summary>
    public string? TimeZone { get; set; }

    /// <summary>An exchange calendar id (<c>XNYS</c>, <c>CMES</c>, <c>SIFMA_US</c>, <c>XTKS</c>, <c>XLON</c>, <c>XETR</c>, <c>XPAR</c>, <c>XAMS</c>, <c>XSWX</c>, <c>XHKG</c>, <c>XASX</c>, <c>XTSE</c>, <c>IEPA</c>, a combination such as <c>XNYS &amp; CMES</c>, or one declared with <see cref="PipelineCalendarAttribute"/>): runs happen on its sessions only.</summary>
    public string? Calendar { get; set; }

    /// <summary>The first logical date, as <c>yyyy-MM-dd</c>.</summary>
    public string? StartDate { get; set; }

    /// <summary>Whether runs missed while no server was up are created when one starts.</summary>
    public bool Catchup { get; set; }

    /// <summary>
    /// Whether the pipeline starts paused the first time a storage sees it, as Airflow's <c>is_paused_upon_creation</c>:
    /// it creates no scheduled runs and starts no tasks until an operator unpauses it (<c>app unpause &lt;pipeline&gt;</c>).
    /// An operator's pause or unpause is kept in storage and outlives restarts; this setting never pauses it again.
    /// </summary>
    public bool PausedOnCreation { get; set; }

    /// <summary>How many runs of this pipeline may be active at once. Defaults to 16.</summary>
    public int MaxActiveRuns { get; set; } = PipelineDefaults.MaxActiveRuns;

    /// <summary>
    /// How many tasks of this pipeline may run at once, across all its runs, as Airflow's <c>max_active_tasks</c>; a task
    /// over the limit waits, queued, and says so. 0 (the default) sets no limit.
    /// </summary>
    public int MaxActiveTasks { get; set; }

    /// <summary>
    /// When a run must be finished, as Airflow's deadline alerts: <c>"06:30"</c> (the first such time in the pipeline's
    /// time zone after the run's data interval ends: the same morning for a 04:00 cron run), or relative to the logical date's session on a calendar pipeline
    /// (<c>"@session_open-00:30"</c>, <c>"@session_close+01:00"</c>). A run not finished by then, or never started (the
    /// pipeline paused, a sensor waiting upstream), raises one <see cref="PipelineEventKind.DeadlineMissed"/> event.
    /// </summary>
    public string? Deadline { get; set; }

    /// <summary>
    /// The record that declares the pipeline's run parameters: its members (strings, numbers, <c>bool</c>, <c>LocalDate</c>,
    /// enums, lists of these) with defaults and <c>Required</c>, <c>Range</c> and <c>RegularExpression</c> attributes, checked at
    /// compile time. Triggering validates and converts the operator's <c>key=value</c> pairs against it; tasks receive it
    /// through a <see cref="RunParametersAttribute"/> parameter; scheduled runs use its defaults.
    /// </summary>
    public Type? Parameters { get; set; }

    /// <summary>
    /// Declares the pipeline's assets closed: every asset its <c>@assets(...)</c> schedule reads must be produced by a
    /// <see cref="ProducesAttribute"/> task of this assembly (or of a referenced one) or declared with
    /// <see cref="ExternalAssetAttribute"/>. A consumed asset nothing produces is then a compile error (PIPE054) instead of
    /// the warning PIPE052, so a misspelt or removed asset cannot leave a production pipeline waiting forever.
    /// </summary>
    /// <example><code>[Pipeline("risk_models", Schedule = "@assets(prices.daily &amp; fundamentals.daily)", ClosedAssets = true)]</code></example>
    public bool ClosedAssets { get; set; }

    /// <summary>A sentence for people: what this pipeline does.</summary>
    public string? Description { get; set; }

    /// <summary>Free-form tags shown in listings and usable as filters.</summary>
    public string[]? Tags { get; set; }
}
