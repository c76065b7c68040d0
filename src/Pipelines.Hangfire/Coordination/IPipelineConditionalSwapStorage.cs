using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> whose swap beside a lock (as <see cref="IPipelineSwapStorage"/>'s and
/// <see cref="IPipelineCountingSwapStorage"/>'s) can also be made in one go by a caller that already knows the values it
/// judged by, without reading them first: a try's start that expects the queued record its step wrote
/// (<see cref="QueuedRecords"/>) and the pause it last read turns its record to running in one round trip instead of two,
/// and a try's end that expects the running record its start wrote applies its end and its joins' counts in one.
/// Pipelines.Hangfire.PostgreSql's storage implements it (one batch under a shared advisory lock); elsewhere, and whenever
/// a value differs, the caller reads them first.
/// </summary>
/// <remarks>
/// The swap changes the field only where it still holds the value expected and every condition still holds once no step
/// holds the lock, so what the caller judged by is what is stored at that moment, as if it had read it then.
/// </remarks>
public interface IPipelineConditionalSwapStorage
{
    /// <summary>
    /// Writes and commits <paramref name="writeFirst"/> when given (kept whatever follows, as
    /// <see cref="IPipelineCountingSwapStorage.BeginCountingSwap"/> keeps it); waits up to <paramref name="timeout"/> until
    /// nobody holds <paramref name="lockResource"/>; and then, keeping its holders out meanwhile, sets the field
    /// <paramref name="swap"/> names to its value if it holds exactly <paramref name="expected"/> and every one of
    /// <paramref name="conditions"/> holds, and only then adds each of <paramref name="moves"/> to its count and sets each of
    /// <paramref name="writes"/>; and reads the hashes <paramref name="wholeKeys"/> whole and the named
    /// <paramref name="fields"/> as they are after it (a field the storage does not hold is absent, and so is a hash).
    /// Returns each count as the addition left it, in the order of <paramref name="moves"/> (as
    /// <see cref="IPipelineCountingSwap.Swap"/> does); null, changing nothing but <paramref name="writeFirst"/>, when the
    /// field or a condition held anything else.
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">The lock was held longer than the timeout; nothing but <paramref name="writeFirst"/> was changed.</exception>
    IReadOnlyList<string>? SwapIf(string lockResource, TimeSpan timeout, HashFieldWrite? writeFirst, HashFieldWrite swap, string expected, IReadOnlyList<HashFieldCondition> conditions,
        IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read);
}
