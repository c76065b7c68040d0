using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that reads many whole hashes in one round trip, without a lock: what a list of runs reads
/// (each run's record and its task records). Hangfire's connection reads one hash per call, a round trip each on a
/// database, so the pipeline page's 500-run view made a thousand. The runtime asks the storage it was given, as it does
/// for locks: the PostgreSQL and Redis packages' storages implement this, and every other storage is read a hash at a
/// time.
/// </summary>
public interface IPipelineHashReadStorage
{
    /// <summary>
    /// Every field of each hash in <paramref name="keys"/>, by key; a hash the storage does not hold is absent. The
    /// hashes are read in one atomic read (PostgreSQL: one statement; Redis: one <c>MULTI</c>/<c>EXEC</c>), so they are
    /// as of one moment.
    /// </summary>
    IReadOnlyDictionary<string, Dictionary<string, string>> ReadHashes(IReadOnlyCollection<string> keys);
}
