using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> whose swap beside a lock (as <see cref="IPipelineSwapStorage"/>'s) can also be made in one
/// go by a caller that already knows the values it expects, without reading them first: a try's start that expects the
/// queued record its step wrote (<see cref="QueuedRecords"/>) and the pause it last read turns its record to running in one
/// round trip instead of two. Pipelines.Hangfire.PostgreSql's storage implements it (one batch under a shared advisory
/// lock); elsewhere, and whenever the values differ, the start reads them first (<see cref="IPipelineSwapStorage"/>).
/// </summary>
/// <remarks>
/// The swap changes the field only where each value it was judged by is still the one stored once no step holds the lock,
/// so it decides exactly what a swap that read them at that moment would.
/// </remarks>
public interface IPipelineConditionalSwapStorage
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> until nobody holds <paramref name="lockResource"/>, and then, keeping its
    /// holders out meanwhile: sets the field <paramref name="swap"/> names to its value if it holds exactly
    /// <paramref name="expected"/> and the field <paramref name="guard"/> (key and field) holds exactly
    /// <paramref name="guardValue"/> (null: the storage does not hold it); and reads the hashes <paramref name="wholeKeys"/>
    /// whole and the field <paramref name="guard"/>, as they are after it (a field the storage does not hold is absent, and
    /// so is a hash). Returns whether it set the field; false changes nothing.
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">The lock was held longer than the timeout; nothing was changed.</exception>
    bool SwapIf(string lockResource, TimeSpan timeout, HashFieldWrite swap, string expected, KeyValuePair<string, string> guard, string? guardValue,
        IReadOnlyCollection<string> wholeKeys, out IReadOnlyDictionary<string, Dictionary<string, string>> read);
}
