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
/// The runtime's own writes to Hangfire.PostgreSql's tables (<c>hash</c>, <c>set</c>, <c>list</c>, <c>state</c>, and a new job's rows) as one
/// batch in one database transaction, on the session that holds the step's advisory lock: a coordination step commits and
/// releases its lock in one round trip, and a step whose lock was lost (its session died, so another server may hold the lock now) fails to
/// commit instead of writing beside the new holder. Hangfire.PostgreSql's transaction
/// sends one statement per hash field (a step writing a task record, its counts and the run's state made six round trips,
/// and a step queueing 200 tasks 200), each an upsert; here the <see cref="SetRangeInHash"/> calls that follow each other are
/// one multi-row <c>INSERT ... ON CONFLICT</c> on the same unique keys, so Hangfire and the runtime read the same rows.
/// </summary>
/// <remarks>
/// <para>
/// A step's new jobs are written in the batch too (<see cref="IPipelineJobTransaction"/>): the job row with Hangfire's
/// serialization of the job and its arguments, its parameters, its first state and its queue entry, with an id taken
/// ahead from Hangfire.PostgreSql's sequence (<see cref="PostgreSqlJobIds"/>), and one <c>NOTIFY new_job</c> for them all,
/// which wakes idle workers of every server on the database when the batch commits (<see cref="PostgreSqlJobArrivals"/>). Hangfire's state machine
/// decides what a first state writes; these are the rows Hangfire.PostgreSql writes for the same calls, gathered into
/// one statement per table (<see cref="PostgreSqlJobRows"/>) that run before the batch's other writes.
/// </para>
/// <para>
/// Operations the runtime's steps and a new job's first state do not use throw <see cref="NotSupportedException"/>
/// naming the operation.
/// </para>
/// </remarks>
internal sealed class PostgreSqlBatchTransaction : JobStorageTransaction, IPipelineJobTransaction
{
    private readonly PostgreSqlAdvisoryLocks.Held _held;
    private readonly string _schema;
    private readonly PostgreSqlJobIds _jobIds;
    private readonly List<NpgsqlBatchCommand> _commands = new();
    private HashRows? _hashes;
    private readonly PostgreSqlJobRows _jobRows;

    /// <param name="held">The lock whose session commits (not disposed here: disposing the lock returns its connection).</param>
    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    /// <param name="jobIds">Where the ids of the jobs this transaction creates come from.</param>
    public PostgreSqlBatchTransaction(PostgreSqlAdvisoryLocks.Held held, string schema, PostgreSqlJobIds jobIds)
    {
        _held = held;
        _schema = PostgreSqlText.Schema(schema);
        _jobIds = jobIds;
        _jobRows = new PostgreSqlJobRows(_schema);
    }

    /// <summary>
    /// A job, as Hangfire.PostgreSql's <c>CreateExpiredJob</c> writes it (its invocation data and its arguments as JSON, and
    /// its parameters), under an id taken now, so the rest of the transaction (its state, the task that records it) can
    /// name it.
    /// </summary>
    public override string CreateJob(Job job, IDictionary<string, string> parameters, DateTime createdAt, TimeSpan expireIn)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(parameters);
        var id = _jobIds.Next(_held.Connection);
        var invocation = InvocationData.SerializeJob(job);
        _jobRows.Job(id, SerializationHelper.Serialize(invocation), string.IsNullOrEmpty(invocation.Arguments) ? "[]" : invocation.Arguments,
            createdAt, createdAt.Add(expireIn));
        foreach (var (name, value) in parameters) _jobRows.Parameter(id, name, value);
        return id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A job's new current state: a history entry, and the job pointing at it.</summary>
    public override void SetJobState(string jobId, IState state) =>
        _jobRows.Current(ParseJobId(jobId), state.Name, state.Reason, DateTime.UtcNow, SerializationHelper.Serialize(state.SerializeData()));

    /// <summary>A job that does not expire (Hangfire's state machine persists a job in a state that is not final).</summary>
    public override void PersistJob(string jobId) => _jobRows.Persisted(ParseJobId(jobId));

    /// <summary>A job that expires (a final state).</summary>
    public override void ExpireJob(string jobId, TimeSpan expireIn) =>
        Add($"""UPDATE {_schema}."job" SET "expireat" = NOW() + $2 * INTERVAL '1 second' WHERE "id" = $1""",
            JobId(jobId), new NpgsqlParameter { Value = (long)expireIn.TotalSeconds, NpgsqlDbType = NpgsqlDbType.Bigint });

    /// <summary>A job in a queue, for Hangfire.PostgreSql's workers to fetch; the commit announces it (<see cref="PostgreSqlJobArrivals"/>).</summary>
    public override void AddToQueue(string queue, string jobId)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _jobRows.Queue(ParseJobId(jobId), queue);
    }

    public override void IncrementCounter(string key) => AddCounter(key, +1, null);

    public override void IncrementCounter(string key, TimeSpan expireIn) => AddCounter(key, +1, expireIn);

    public override void DecrementCounter(string key) => AddCounter(key, -1, null);

    public override void DecrementCounter(string key, TimeSpan expireIn) => AddCounter(key, -1, expireIn);

    /// <summary>A counter's change as Hangfire.PostgreSql records one: a row its aggregator sums later.</summary>
    private void AddCounter(string key, int change, TimeSpan? expireIn)
    {
        ArgumentNullException.ThrowIfNull(key);
        var value = new NpgsqlParameter { Value = change, NpgsqlDbType = NpgsqlDbType.Integer };
        if (expireIn is { } expiry)
            Add($"""INSERT INTO {_schema}."counter" ("key", "value", "expireat") VALUES ($1, $2, NOW() + $3 * INTERVAL '1 second')""",
                PostgreSqlText.Text(key), value, new NpgsqlParameter { Value = (long)expiry.TotalSeconds, NpgsqlDbType = NpgsqlDbType.Bigint });
        else
            Add($"""INSERT INTO {_schema}."counter" ("key", "value") VALUES ($1, $2)""", PostgreSqlText.Text(key), value);
    }

    /// <summary>
    /// Fields of hashes, written as one upsert with the hash writes right before and after it (a step writes its task
    /// records, its counts and the run's record one after another: one statement instead of three). Only writes that
    /// follow each other are joined, so every other statement keeps its place between them.
    /// </summary>
    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(keyValuePairs);
        foreach (var (field, value) in keyValuePairs) (_hashes ??= new HashRows()).Set(key, field, value);
    }

    /// <summary>The upsert of <paramref name="fields"/> into hash <paramref name="key"/> (<paramref name="schema"/> quoted), one statement.</summary>
    internal static NpgsqlBatchCommand HashUpsert(string schema, string key, IReadOnlyDictionary<string, string> fields)
    {
        var rows = new HashRows();
        foreach (var (field, value) in fields) rows.Set(key, field, value);
        return rows.Upsert(schema);
    }

    /// <summary>
    /// Rows of hashes to upsert in one statement: one row per key and field, the last value given (an upsert may change a
    /// row once per statement, and the last write is the one consecutive upserts would leave), on hash's UNIQUE (key, field).
    /// </summary>
    private sealed class HashRows
    {
        private readonly Dictionary<(string Key, string Field), int> _rows = new();
        private readonly List<string> _keys = new();
        private readonly List<string> _fields = new();
        private readonly List<string> _values = new();

        public void Set(string key, string field, string value)
        {
            if (_rows.TryGetValue((key, field), out var row))
            {
                _values[row] = value;
                return;
            }
            _rows.Add((key, field), _keys.Count);
            _keys.Add(key);
            _fields.Add(field);
            _values.Add(value);
        }

        public NpgsqlBatchCommand Upsert(string schema)
        {
            var command = new NpgsqlBatchCommand($"""INSERT INTO {schema}."hash" ("key", "field", "value") SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT ("key", "field") DO UPDATE SET "value" = EXCLUDED."value" """);
            command.Parameters.Add(PostgreSqlText.TextArray(_keys));
            command.Parameters.Add(PostgreSqlText.TextArray(_fields));
            command.Parameters.Add(PostgreSqlText.TextArray(_values));
            return command;
        }
    }

    /// <summary>Ends the hash writes joined so far: the next one starts a new upsert, after whatever comes between.</summary>
    private void CloseHashes()
    {
        if (_hashes is null) return;
        _commands.Add(_hashes.Upsert(_schema));
        _hashes = null;
    }

    public override void AddToSet(string key, string value) => AddToSet(key, value, 0.0);

    public override void AddToSet(string key, string value, double score) =>
        Add($"""INSERT INTO {_schema}."set" ("key", "value", "score") VALUES ($1, $2, $3) ON CONFLICT ("key", "value") DO UPDATE SET "score" = EXCLUDED."score" """,
            PostgreSqlText.Text(key), PostgreSqlText.Text(value), new NpgsqlParameter { Value = score, NpgsqlDbType = NpgsqlDbType.Double });

    public override void RemoveFromSet(string key, string value) =>
        Add($"""DELETE FROM {_schema}."set" WHERE "key" = $1 AND "value" = $2""", PostgreSqlText.Text(key), PostgreSqlText.Text(value));

    public override void InsertToList(string key, string value) =>
        Add($"""INSERT INTO {_schema}."list" ("key", "value") VALUES ($1, $2)""", PostgreSqlText.Text(key), PostgreSqlText.Text(value));

    /// <summary>Removes every occurrence of <paramref name="value"/> from list <paramref name="key"/>, as Hangfire.PostgreSql does.</summary>
    public override void RemoveFromList(string key, string value) =>
        Add($"""DELETE FROM {_schema}."list" WHERE "key" = $1 AND "value" = $2""", PostgreSqlText.Text(key), PostgreSqlText.Text(value));

    public override void RemoveHash(string key) =>
        Add($"""DELETE FROM {_schema}."hash" WHERE "key" = $1""", PostgreSqlText.Text(key));

    /// <summary>A history entry on a job's page, as Hangfire.PostgreSql writes one (its data a JSON object).</summary>
    public override void AddJobState(string jobId, IState state) =>
        _jobRows.History(ParseJobId(jobId), state.Name, state.Reason, DateTime.UtcNow, SerializationHelper.Serialize(state.SerializeData()));

    private static long ParseJobId(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static NpgsqlParameter JobId(string id) => new() { Value = ParseJobId(id), NpgsqlDbType = NpgsqlDbType.Bigint };

    /// <summary>
    /// Commits, and releases the step's lock in the same round trip, after <c>COMMIT</c> (whoever takes the lock next
    /// reads what this step wrote): a commit ends its step. When a statement fails, nothing is written and the lock stays
    /// held until the holder disposes it.
    /// </summary>
    public override void Commit()
    {
        CloseHashes();
        var jobRows = _jobRows.Statements().ToList();
        if (_commands.Count == 0 && jobRows.Count == 0) return;
        var connection = _held.Connection;
        using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            foreach (var command in jobRows) batch.BatchCommands.Add(command);
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
        _jobRows.Clear();
    }

    public override void Dispose()
    {
    }

    public override void TrimList(string key, int keepStartingFrom, int keepEndingAt) => throw Unsupported(nameof(TrimList));

    private static NotSupportedException Unsupported(string operation) =>
        new($"{operation} is not part of the runtime's batched PostgreSQL writes (PostgreSqlBatchTransaction); write it with Hangfire's transaction (IStorageConnection.CreateWriteTransaction).");

    private void Add(string sql, params NpgsqlParameter[] parameters)
    {
        CloseHashes();
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        _commands.Add(command);
    }

}
