namespace Pipelines.Hangfire;

/// <summary>A pool as operators read it (the <c>pools</c> verb, the dashboard's Pools page), in Airflow's terms.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Slots">Its slots: configuration's (<c>Pipelines:Pools</c>) over the declared ones; 0 for a pool a task names that is neither.</param>
/// <param name="Running">Slots held by running tries (and reserved for tries about to start).</param>
/// <param name="Queued">Slots asked for by tries waiting for this pool.</param>
/// <param name="Open">Slots free now.</param>
/// <param name="Description">What the pool guards, as declared.</param>
public sealed record PoolStatus(string Name, int Slots, int Running, int Queued, int Open, string? Description);
