using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's own writes to Hangfire.PostgreSql's tables (<c>hash</c>, <c>set</c>, <c>list</c>, <c>state</c>) as one
/// batch in one database transaction, on the session that holds the step's advisory lock: a coordination step commits and
/// releases its lock in one round trip, and a step whose lock was lost (its session died, so another server may hold the lock now) fails to
/// commit instead of writing beside the new holder. Hangfire.PostgreSql's transaction
/// sends one statement per hash field (a step writing a task record, its counts and the run's state made six round trips,
/// and a step queueing 200 tasks 200), each an upsert; here each <see cref="SetRangeInHash"/> is one multi-row
/// <c>INSERT ... ON CONFLICT</c> on the same unique keys, so Hangfire and the runtime read the same rows.
/// </summary>
/// <remarks>
/// Only the operations the runtime's steps use are supported; the rest throw <see cref="NotSupportedException"/> naming
/// the operation (a job's creation and queueing stay Hangfire's: they carry its serialization and queue signalling).
/// </remarks>
internal sealed class PostgreSqlBatchTransaction : JobStorageTransaction
{
    private readonly PostgreSqlAdvisoryLocks.Held _held;
    private readonly string _schema;
    private readonly List<NpgsqlBatchCommand> _commands = new();

    /// <param name="held">The lock whose session commits (not disposed here: disposing the lock returns its connection).</param>
    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlBatchTransaction(PostgreSqlAdvisoryLocks.Held held, string schema)
    {
        _held = held;
        _schema = PostgreSqlText.Schema(schema);
    }

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(keyValuePairs);
        // One row per field (the last value of a field given twice), as an upsert on hash's UNIQUE (key, field).
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in keyValuePairs) fields[field] = value;
        if (fields.Count == 0) return;
        Add($"""INSERT INTO {_schema}."hash" ("key", "field", "value") SELECT $1, f, v FROM unnest($2::text[], $3::text[]) AS t(f, v) ON CONFLICT ("key", "field") DO UPDATE SET "value" = EXCLUDED."value" """,
            PostgreSqlText.Text(key), PostgreSqlText.TextArray(fields.Keys), PostgreSqlText.TextArray(fields.Values));
    }

    public override void AddToSet(string key, string value) => AddToSet(key, value, 0.0);

    public override void AddToSet(string key, string value, double score) =>
        Add($"""INSERT INTO {_schema}."set" ("key", "value", "score") VALUES ($1, $2, $3) ON CONFLICT ("key", "value") DO UPDATE SET "score" = EXCLUDED."score" """,
            PostgreSqlText.Text(key), PostgreSqlText.Text(value), new NpgsqlParameter { Value = score, NpgsqlDbType = NpgsqlDbType.Double });

    public override void RemoveFromSet(string key, string value) =>
        Add($"""DELETE FROM {_schema}."set" WHERE "key" = $1 AND "value" = $2""", PostgreSqlText.Text(key), PostgreSqlText.Text(value));

    public override void InsertToList(string key, string value) =>
        Add($"""INSERT INTO {_schema}."list" ("key", "value") VALUES ($1, $2)""", PostgreSqlText.Text(key), PostgreSqlText.Text(value));

    public override void RemoveHash(string key) =>
        Add($"""DELETE FROM {_schema}."hash" WHERE "key" = $1""", PostgreSqlText.Text(key));

    /// <summary>A history entry on a job's page, as Hangfire.PostgreSql writes one (its data a JSON object).</summary>
    public override void AddJobState(string jobId, IState state) =>
        Add($"""INSERT INTO {_schema}."state" ("jobid", "name", "reason", "createdat", "data") VALUES ($1, $2, $3, $4, $5::jsonb)""",
            new NpgsqlParameter { Value = long.Parse(jobId, CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlDbType.Bigint },
            PostgreSqlText.Text(state.Name),
            new NpgsqlParameter { Value = (object?)state.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = DateTime.UtcNow, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            PostgreSqlText.Text(SerializationHelper.Serialize(state.SerializeData())));

    /// <summary>
    /// Commits, and releases the step's lock in the same round trip, after <c>COMMIT</c> (whoever takes the lock next
    /// reads what this step wrote): a commit ends its step. When a statement fails, nothing is written and the lock stays
    /// held until the holder disposes it.
    /// </summary>
    public override void Commit()
    {
        if (_commands.Count == 0) return;
        var connection = _held.Connection;
        using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            foreach (var command in _commands) batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            batch.BatchCommands.Add(_held.Unlock());
            try
            {
                batch.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // A failed statement or a command timeout leaves the transaction open: end it, so the lock's release can run.
                PostgreSqlSession.RollBack(connection);
                throw;
            }
        }
        _held.Released();
        _commands.Clear();
    }

    public override void Dispose()
    {
    }

    public override void ExpireJob(string jobId, TimeSpan expireIn) => throw Unsupported(nameof(ExpireJob));

    public override void PersistJob(string jobId) => throw Unsupported(nameof(PersistJob));

    public override void SetJobState(string jobId, IState state) => throw Unsupported(nameof(SetJobState));

    public override void AddToQueue(string queue, string jobId) => throw Unsupported(nameof(AddToQueue));

    public override void IncrementCounter(string key) => throw Unsupported(nameof(IncrementCounter));

    public override void IncrementCounter(string key, TimeSpan expireIn) => throw Unsupported(nameof(IncrementCounter));

    public override void DecrementCounter(string key) => throw Unsupported(nameof(DecrementCounter));

    public override void DecrementCounter(string key, TimeSpan expireIn) => throw Unsupported(nameof(DecrementCounter));

    public override void RemoveFromList(string key, string value) => throw Unsupported(nameof(RemoveFromList));

    public override void TrimList(string key, int keepStartingFrom, int keepEndingAt) => throw Unsupported(nameof(TrimList));

    private static NotSupportedException Unsupported(string operation) =>
        new($"{operation} is not part of the runtime's batched PostgreSQL writes (PostgreSqlBatchTransaction); write it with Hangfire's transaction (IStorageConnection.CreateWriteTransaction).");

    private void Add(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        _commands.Add(command);
    }

}
