using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// One limit a try must fit under to start: a pool (<c>pool:&lt;name&gt;</c>), a pipeline's MaxActiveTasks
/// (<c>pipeline:&lt;id&gt;</c>) or a task's MaxActiveTries (<c>task:&lt;pipeline&gt;.&lt;task&gt;</c>), with its capacity
/// and the slots the try takes. Pools, MaxActiveTasks and MaxActiveTries are one mechanism: slots held while a try runs.
/// </summary>
/// <param name="Kind">What the limit bounds.</param>
/// <param name="Name">The pool's name, the pipeline's id, or <c>pipeline.task</c>.</param>
/// <param name="Key">The limit's storage key.</param>
/// <param name="Capacity">How many slots the limit has; for a pool, configuration's override or the declared slots (0 when the pool is unknown).</param>
/// <param name="Need">How many of them the try takes.</param>
internal readonly record struct SlotLimit(SlotKind Kind, string Name, string Key, int Capacity, int Need)
{
    /// <summary>Airflow's pool for tasks that name none. Here a task without a pool takes it only when it is configured or declared.</summary>
    public const string DefaultPool = "default_pool";

    /// <summary>How people read the limit: "pool 'vendor_api'", "MaxActiveTasks of pipeline 'nightly'".</summary>
    public string Describe() => Kind switch
    {
        SlotKind.Pool => $"pool '{Name}'",
        SlotKind.Pipeline => $"MaxActiveTasks of pipeline '{Name}'",
        _ => $"MaxActiveTries of task '{Name}'",
    };

    /// <summary>Whether the task is under any limit: when it is not, its tries touch no slot bookkeeping at all.</summary>
    public static bool Any(PipelineDefinition pipeline, TaskDefinition task, PipelinesOptions options) =>
        task.Pool is not null || pipeline.MaxActiveTasks > 0 || task.MaxActiveTries > 0 || options.Pools.ContainsKey(DefaultPool) || PoolCatalog.TryGet(DefaultPool, out _);

    /// <summary>The limits a try of <paramref name="task"/> takes slots of, in the order people read them.</summary>
    public static IReadOnlyList<SlotLimit> Of(PipelineDefinition pipeline, TaskDefinition task, PipelinesOptions options)
    {
        if (!Any(pipeline, task, options)) return System.Array.Empty<SlotLimit>();
        var limits = new List<SlotLimit>(3);
        var pool = task.Pool ?? (options.Pools.ContainsKey(DefaultPool) || PoolCatalog.TryGet(DefaultPool, out _) ? DefaultPool : null);
        if (pool is not null) limits.Add(new SlotLimit(SlotKind.Pool, pool, PoolKey(pool), PoolCapacity(pool, options) ?? 0, System.Math.Max(1, task.PoolSlots)));
        if (pipeline.MaxActiveTasks > 0) limits.Add(new SlotLimit(SlotKind.Pipeline, pipeline.Id, "pipeline:" + pipeline.Id, pipeline.MaxActiveTasks, 1));
        if (task.MaxActiveTries > 0) limits.Add(new SlotLimit(SlotKind.Task, $"{pipeline.Id}.{task.Id}", $"task:{pipeline.Id}.{task.Id}", task.MaxActiveTries, 1));
        return limits;
    }

    public static string PoolKey(string pool) => "pool:" + pool;

    /// <summary>A pool's slots: configuration's (<see cref="PipelinesOptions.Pools"/>) over the declared ones; null for an unknown pool.</summary>
    public static int? PoolCapacity(string pool, PipelinesOptions options) =>
        options.Pools.TryGetValue(pool, out var configured) ? configured
        : PoolCatalog.TryGet(pool, out var declared) ? declared.Slots
        : null;
}
