using System;
using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>Settings of the Pipelines runtime on Hangfire.</summary>
public sealed class PipelinesOptions
{
    /// <summary>The pipelines to run; by default every generated pipeline of the loaded assemblies (<see cref="PipelineCatalog.All"/>).</summary>
    public IReadOnlyList<PipelineDefinition>? Pipelines { get; set; }

    /// <summary>The clock for run times, schedules and sensor timeouts. Tests use NodaTime.Testing's FakeClock.</summary>
    public IClock Clock { get; set; } = SystemClock.Instance;

    /// <summary>How long to wait for a run's storage lock before giving up (the job then fails and Hangfire's record shows why).</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether pipelines with a schedule get a Hangfire recurring job at start-up.</summary>
    public bool RegisterSchedules { get; set; } = true;

    /// <summary>How long finished runs are kept; null keeps them until deleted. State never expires silently.</summary>
    public Duration? Retention { get; set; }

    /// <summary>How task results are turned into JSON for downstream tasks.</summary>
    public TaskDataSerializer Serializer { get; set; } = TaskDataSerializer.Default;

    /// <summary>
    /// How a poke-mode sensor waits between pokes inside its try. Real time on a server; the in-process test host
    /// (Pipelines.Testing) advances its fake clock instead, so a test never sleeps.
    /// </summary>
    internal Func<TimeSpan, System.Threading.CancellationToken, System.Threading.Tasks.Task> Wait { get; set; } = System.Threading.Tasks.Task.Delay;

    /// <summary>How often a running try tells the storage it is alive.</summary>
    public TimeSpan TryHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A running try not heard from for this long is taken to be dead: a redelivery of its job runs it again, and the
    /// reconciler fails it when its job has ended without a result. Keep it a few heartbeat intervals.
    /// </summary>
    public TimeSpan TryLivenessTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the reconciler waits for a run's lock before leaving that run to its next pass: a run whose lock is busy
    /// is being worked on, and must not hold up the repair of the others.
    /// </summary>
    public TimeSpan ReconcilerLockTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a notifier that failed waits before its first retry; each further retry waits twice as long, up to five minutes.</summary>
    public TimeSpan NotificationRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stopping host keeps delivering notifications that are due (retries included); what is left stays in
    /// storage for the next process that delivers them.
    /// </summary>
    public TimeSpan NotificationDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A queued task whose Hangfire job is missing after this long is enqueued again by the reconciler.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether this host delivers the stored notifications (the outbox). An event leaves the outbox once the delivering
    /// host's notifiers have it, so only hosts configured with the notifiers should deliver: servers do; a host that only
    /// reads or watches (the command line's watch-only verbs, a dashboard-only app) should set this to false, or its
    /// notifiers (the logging one alone) would take the events the servers' webhook was meant to send. It also decides what
    /// this host's steps store: a delivering host stores only the events one of its notifiers hears
    /// (<see cref="IPipelineNotifier.Hears"/>), a host that does not deliver stores every event, for the servers' notifiers.
    /// </summary>
    public bool DeliverNotifications { get; set; } = true;

    /// <summary>
    /// Slots of pools by name, over the slots declared in code (<c>[assembly: Pool("vendor_api", Slots = 4)]</c>);
    /// configuration section <c>Pipelines:Pools</c>. Configuring <c>default_pool</c> puts every task that names no pool in it.
    /// </summary>
    public IDictionary<string, int> Pools { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// The most instances a mapped task (<see cref="MapOverAttribute"/>) may expand to, unless the task sets its own
    /// <see cref="PipelineTaskAttribute.MaxMapLength"/>; a longer upstream collection fails the task with a reason naming
    /// the count and the limit (Airflow's <c>max_map_length</c>). Configuration key <c>Pipelines:MaxMapLength</c>; 1,024 by default.
    /// </summary>
    public int MaxMapLength { get; set; } = DefaultMaxMapLength;

    /// <summary>The default of <see cref="MaxMapLength"/>, as Airflow's <c>[core] max_map_length</c>.</summary>
    public const int DefaultMaxMapLength = 1024;

    /// <summary>
    /// The most Hangfire jobs one coordination step creates for tasks it decided to run. Jobs are created under the run's
    /// lock, so a step queueing a 10,000-task fan-out at once would hold it for every creation while the first tasks'
    /// workers wait; past this many, the rest are queued by the following steps, highest priority weight first.
    /// Configuration key <c>Pipelines:MaxJobsPerStep</c>; 200 by default (lower it for a slow database).
    /// </summary>
    public int MaxJobsPerStep { get; set; } = 200;
}
