using System;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// A query sent with a lock's statement in one round trip, run once the lock is granted
/// (<see cref="PostgreSqlAdvisoryLocks.Acquire(string, TimeSpan, LockedQuery)"/>): <see cref="Command"/> builds it for each
/// attempt (a batch command belongs to one batch), <see cref="Consume"/> reads its rows.
/// </summary>
internal sealed class LockedQuery(Func<NpgsqlBatchCommand> command, Action<NpgsqlDataReader> consume)
{
    public NpgsqlBatchCommand Command() => command();

    public void Consume(NpgsqlDataReader reader) => consume(reader);
}
