using System;
using System.Collections.Generic;
using System.Linq;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// The job rows a batch (<see cref="PostgreSqlBatchTransaction"/>) writes, gathered per table and sent as one statement
/// each: a step queueing 200 tasks writes its jobs, their parameters, states and queue entries in six statements instead
/// of six per job. Under load the database ran each small statement of such a batch in milliseconds, so a fan-out's
/// first step held the run's lock for 5–10 s.
/// </summary>
/// <remarks>
/// The statements run before the batch's other writes, in the order jobs, parameters, current states, other history
/// entries, persisted jobs, queue entries (announced in the same statement): every row that names a job comes after the job, and a job's history keeps the
/// order of its calls as a step makes them (its first state, then the entry that links it to its task). A job gets one
/// current state per batch.
/// </remarks>
internal sealed class PostgreSqlJobRows
{
    private readonly string _schema;
    private readonly List<(long Id, string Invocation, string Arguments, DateTime CreatedAt, DateTime ExpireAt)> _jobs = new();
    private readonly List<(long JobId, string Name, string Value)> _parameters = new();
    private readonly List<(long JobId, string Name, string? Reason, DateTime At, string Data)> _current = new();
    private readonly HashSet<long> _withCurrent = new();
    private readonly List<(long JobId, string Name, string? Reason, DateTime At, string Data)> _history = new();
    private readonly List<long> _persisted = new();
    private readonly List<(long JobId, string Queue)> _queued = new();

    /// <param name="quotedSchema">Hangfire.PostgreSql's schema, quoted (<see cref="PostgreSqlText.Schema"/>).</param>
    public PostgreSqlJobRows(string quotedSchema) => _schema = quotedSchema;

    public void Job(long id, string invocation, string arguments, DateTime createdAt, DateTime expireAt) => _jobs.Add((id, invocation, arguments, createdAt, expireAt));

    public void Parameter(long jobId, string name, string value) => _parameters.Add((jobId, name, value));

    /// <summary>A job's new current state (a history entry the job points at).</summary>
    /// <exception cref="NotSupportedException">The job already got a current state in this batch.</exception>
    public void Current(long jobId, string name, string? reason, DateTime at, string data)
    {
        if (!_withCurrent.Add(jobId))
            throw new NotSupportedException($"Job {jobId} got a second current state in one of the runtime's batched PostgreSQL writes; write it with Hangfire's transaction.");
        _current.Add((jobId, name, reason, at, data));
    }

    /// <summary>A history entry that does not change the job's current state.</summary>
    public void History(long jobId, string name, string? reason, DateTime at, string data) => _history.Add((jobId, name, reason, at, data));

    public void Persisted(long jobId) => _persisted.Add(jobId);

    public void Queue(long jobId, string queue) => _queued.Add((jobId, queue));

    /// <summary>The statements that write the gathered rows, in the order the remarks give.</summary>
    public IEnumerable<NpgsqlBatchCommand> Statements()
    {
        if (_jobs.Count > 0)
            yield return Command($"""INSERT INTO {_schema}."job" ("id", "invocationdata", "arguments", "createdat", "expireat") SELECT i, d::jsonb, a::jsonb, c, e FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS t(i, d, a, c, e)""",
                Ids(_jobs.Select(j => j.Id)), PostgreSqlText.TextArray(_jobs.Select(j => j.Invocation)), PostgreSqlText.TextArray(_jobs.Select(j => j.Arguments)),
                Times(_jobs.Select(j => j.CreatedAt)), Times(_jobs.Select(j => j.ExpireAt)));
        if (_parameters.Count > 0)
            yield return Command($"""INSERT INTO {_schema}."jobparameter" ("jobid", "name", "value") SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])""",
                Ids(_parameters.Select(p => p.JobId)), PostgreSqlText.TextArray(_parameters.Select(p => p.Name)), PostgreSqlText.TextArray(_parameters.Select(p => p.Value)));
        if (_current.Count > 0)
            yield return Command($"""WITH s AS (INSERT INTO {_schema}."state" ("jobid", "name", "reason", "createdat", "data") SELECT j, n, r, c, d::jsonb FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) WITH ORDINALITY AS t(j, n, r, c, d, o) ORDER BY o RETURNING "id", "jobid", "name") UPDATE {_schema}."job" AS job SET "stateid" = s."id", "statename" = s."name" FROM s WHERE job."id" = s."jobid" """,
                StateColumns(_current));
        if (_history.Count > 0)
            yield return Command($"""INSERT INTO {_schema}."state" ("jobid", "name", "reason", "createdat", "data") SELECT j, n, r, c, d::jsonb FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) WITH ORDINALITY AS t(j, n, r, c, d, o) ORDER BY o""",
                StateColumns(_history));
        if (_persisted.Count > 0)
            yield return Command($"""UPDATE {_schema}."job" SET "expireat" = NULL WHERE "id" = ANY($1::bigint[])""", Ids(_persisted));
        // Announced, one announcement per queue, when the batch commits (PostgreSqlJobArrivals).
        if (_queued.Count > 0)
            yield return Command(PostgreSqlJobArrivals.QueueAndAnnounce(_schema, "SELECT * FROM unnest($1::bigint[], $2::text[])"),
                Ids(_queued.Select(q => q.JobId)), PostgreSqlText.TextArray(_queued.Select(q => q.Queue)));
    }

    public void Clear()
    {
        _jobs.Clear();
        _parameters.Clear();
        _current.Clear();
        _withCurrent.Clear();
        _history.Clear();
        _persisted.Clear();
        _queued.Clear();
    }

    private static NpgsqlParameter[] StateColumns(List<(long JobId, string Name, string? Reason, DateTime At, string Data)> rows) =>
    [
        Ids(rows.Select(r => r.JobId)),
        PostgreSqlText.TextArray(rows.Select(r => r.Name)),
        new NpgsqlParameter { Value = rows.Select(r => r.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        Times(rows.Select(r => r.At)),
        PostgreSqlText.TextArray(rows.Select(r => r.Data)),
    ];

    private static NpgsqlParameter Ids(IEnumerable<long> ids) => new() { Value = ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint };

    private static NpgsqlParameter Times(IEnumerable<DateTime> utc) => new() { Value = utc.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
