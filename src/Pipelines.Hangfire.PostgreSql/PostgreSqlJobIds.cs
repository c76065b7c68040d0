using System.Collections.Generic;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// Ids for the Hangfire jobs the runtime writes itself (<see cref="PostgreSqlBatchTransaction.CreateJob"/>), taken from
/// Hangfire.PostgreSql's own <c>job_id_seq</c> a block at a time, so a job's id is known before the batch that inserts it
/// is sent and a step's jobs cost no round trip each. Ids a process took and never used are gaps in the sequence, as a
/// rolled-back insert leaves.
/// </summary>
/// <remarks>
/// Hangfire.PostgreSql's workers fetch a queue's jobs in id order. Within a step, and within one process, the ids grow in
/// the order jobs are created, so a step's priority order holds. Across servers they need not: a server still using an
/// older block gives its next jobs (up to a block's worth) lower ids than jobs another server created a moment before, so
/// those are fetched first. Hangfire gives no order across its clients either (a job's id is taken when its insert
/// runs, not when it was asked for).
/// </remarks>
internal sealed class PostgreSqlJobIds
{
    /// <summary>How many ids one round trip takes.</summary>
    public const int BlockSize = 100;

    private readonly string _sequence;
    private readonly Queue<long> _free = new();

    /// <param name="quotedSchema">Hangfire.PostgreSql's schema, quoted (<see cref="PostgreSqlText.Schema"/>).</param>
    public PostgreSqlJobIds(string quotedSchema)
    {
        _sequence = quotedSchema + ".\"job_id_seq\"";
    }

    /// <summary>
    /// An id no other job has or will have. When the block is used up, the next one is taken on <paramref name="session"/>
    /// (the step's own session, which holds its lock: taking another connection while holding one could wait for a pool
    /// that the lock holders have filled).
    /// </summary>
    public long Next(NpgsqlConnection session)
    {
        lock (_free)
        {
            if (_free.Count == 0) Refill(session);
            return _free.Dequeue();
        }
    }

    private void Refill(NpgsqlConnection session)
    {
        using var command = new NpgsqlCommand("SELECT nextval($1::regclass) FROM generate_series(1, $2) ORDER BY 1", session);
        command.Parameters.Add(PostgreSqlText.Text(_sequence));
        command.Parameters.Add(new NpgsqlParameter { Value = BlockSize, NpgsqlDbType = NpgsqlDbType.Integer });
        using var reader = command.ExecuteReader();
        while (reader.Read()) _free.Enqueue(reader.GetInt64(0));
    }
}
