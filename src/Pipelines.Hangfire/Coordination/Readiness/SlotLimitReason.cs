using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>
/// A limit a try must fit under to start (<see cref="SlotLimit"/>): met when the try holds its slots or they are free.
/// Judged only where the limits' usage was read (<see cref="ReadinessContext.Slots"/>): a try's start reads it under the
/// slot lock (<see cref="SlotBook.Admit"/>), the dashboard and the command line without it. A task with no such limit,
/// or one not waiting for or running a try, is not judged.
/// </summary>
internal abstract class SlotLimitReason : IReadinessReason
{
    protected abstract SlotKind Kind { get; }

    public abstract string Name { get; }

    public TaskDependency? Evaluate(ReadinessContext context)
    {
        if (context.Slots?.FirstOrDefault(u => u.Limit.Kind == Kind) is not { } usage) return null;
        var state = context.State;
        var limit = usage.Limit;
        var of = limit.Describe();
        var inUse = $"{usage.Used} of {limit.Capacity} in use";
        if (state == TaskState.Running)
            return usage.Held ? new TaskDependency(Name, true, $"Try {context.Instance.TryNumber} holds {limit.Need} slot(s) of {of} ({inUse}).") : null;
        if (!IsCurrentTry.IsWaiting(state)) return null;
        if (usage.Impossible)
            return new TaskDependency(Name, false, limit.Kind == SlotKind.Pool && limit.Capacity == 0
                ? $"The task needs {of}, which is neither declared ([assembly: Pool(\"{limit.Name}\", Slots = n)]) nor configured (Pipelines:Pools:{limit.Name}); it cannot run."
                : $"The task needs {limit.Need} slot(s) of {of}, which has only {limit.Capacity}; it cannot run until the pool has more (Pipelines:Pools:{limit.Name}) or the task asks for fewer (PoolSlots).");
        if (usage.Held) return new TaskDependency(Name, true, $"{limit.Need} slot(s) of {of} are reserved for try {context.Instance.TryNumber} ({inUse}).");
        if (usage.HasRoom) return new TaskDependency(Name, true, $"{limit.Need} slot(s) of {of} are free ({inUse}).");
        var holders = string.Join(", ", usage.Holders.Take(3).Select(h => h.ToString())) + (usage.Holders.Count > 3 ? $" and {usage.Holders.Count - 3} more" : "");
        var waiting = usage.Waiting > 0 ? $"; {usage.Waiting} other task(s) waiting, highest priority weight first" : "";
        return new TaskDependency(Name, false, $"Waiting for {limit.Need} slot(s) of {of}: {inUse} ({holders}){waiting}.");
    }
}
