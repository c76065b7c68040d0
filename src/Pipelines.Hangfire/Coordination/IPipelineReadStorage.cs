using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that reads what a coordination step reads first (the run's record, the pause, the records
/// and counts of the tasks it touches) in one round trip, on the session that holds the step's lock, instead of one
/// round trip per hash or field (<see cref="StepReads"/>). The runtime asks the storage it was given, as it does for
/// locks: Pipelines.Hangfire.PostgreSql's storage implements this, and every other storage is read through Hangfire's
/// connection.
/// </summary>
public interface IPipelineReadStorage
{
    /// <summary>
    /// Every field of the hashes <paramref name="wholeKeys"/>, and the named <paramref name="fields"/> (key and field) of
    /// others, by key and field; a field the storage does not hold is absent. Read by a caller holding
    /// <paramref name="heldLock"/> (taken from this storage's <see cref="IPipelineLockStorage"/>). Null when the storage
    /// cannot (another kind of lock): the caller reads through Hangfire's connection.
    /// </summary>
    IReadOnlyDictionary<string, Dictionary<string, string>>? ReadHashes(IDisposable heldLock, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields);
}
