using System;
using System.Data;
using System.Globalization;
using System.Threading;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's job queue, with idle workers woken when jobs are queued anywhere on the database
/// (<see cref="PostgreSqlJobArrivals"/>) instead of at their next poll: the same <c>jobqueue</c> table, the same fetch
/// (<c>FOR UPDATE SKIP LOCKED</c>, a job whose fetch is older than the invisibility timeout fetched again) and
/// Hangfire.PostgreSql's own <see cref="PostgreSqlFetchedJob"/>, so removal, requeueing and the sliding invisibility
/// heartbeat are Hangfire.PostgreSql's. Each new queue entry is announced in the transaction that writes it; an entry
/// handed back (a stopping server's <c>Requeue</c>) or whose fetch expired (a dead worker's) is not, and is found at the
/// next poll.
/// </summary>
/// <remarks>
/// With polling alone, a job created while every worker of every server was idle waited up to the poll interval
/// (200 ms): on four servers, 100 runs of a 20-task DAG ran at 66 tasks/s against 102 for raw Hangfire, and at 119
/// against 134 with a 50 ms poll (docs/benchmarks.md).
/// </remarks>
internal sealed class PostgreSqlWakingJobQueue : IPersistentJobQueue
{
    private readonly PostgreSqlStorage _storage;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlJobArrivals _arrivals;
    private readonly TimeSpan _pollInterval;
    private readonly string _fetch;
    private readonly string _enqueue;

    /// <param name="storage">The storage whose fetched jobs these are.</param>
    /// <param name="options">Its options (schema, invisibility timeout, poll interval).</param>
    /// <param name="dataSource">The fetches' own connections to the database (a pool of their own).</param>
    /// <param name="arrivals">The storage's announcements of new jobs.</param>
    public PostgreSqlWakingJobQueue(PostgreSqlStorage storage, PostgreSqlStorageOptions options, NpgsqlDataSource dataSource, PostgreSqlJobArrivals arrivals)
    {
        _storage = storage;
        _dataSource = dataSource;
        _arrivals = arrivals;
        _pollInterval = options.QueuePollInterval;
        var schema = PostgreSqlText.Schema(options.SchemaName);
        var invisible = ((long)options.InvisibilityTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        _fetch = $"""
            UPDATE {schema}."jobqueue" SET "fetchedat" = NOW()
            WHERE "id" = (
              SELECT "id" FROM {schema}."jobqueue"
              WHERE "queue" = ANY ($1) AND ("fetchedat" IS NULL OR "fetchedat" < NOW() - INTERVAL '{invisible} SECONDS')
              ORDER BY "fetchedat" NULLS FIRST, "queue", "jobid"
              FOR UPDATE SKIP LOCKED
              LIMIT 1)
            RETURNING "id", "jobid", "queue", "fetchedat"
            """;
        _enqueue = PostgreSqlJobArrivals.QueueAndAnnounce(schema, "VALUES (@JobId, @Queue)");
    }

    /// <summary>
    /// The next job of <paramref name="queues"/>, waiting for one to be announced (or for the poll interval, then looking
    /// again) while there is none.
    /// </summary>
    public IFetchedJob Dequeue(string[] queues, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queues);
        if (queues.Length == 0) throw new ArgumentException("Queue array must be non-empty.", nameof(queues));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ticket = _arrivals.Ticket();
            if (TryFetch(queues) is { } job) return job;
            _arrivals.Wait(ticket, queues, _pollInterval, cancellationToken);
        }
    }

    /// <summary>Queues <paramref name="jobId"/> in Hangfire.PostgreSql's transaction on <paramref name="connection"/>, announced when it commits.</summary>
    public void Enqueue(IDbConnection connection, string queue, string jobId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = _enqueue;
        Add(command, "JobId", DbType.Int64, long.Parse(jobId, CultureInfo.InvariantCulture));
        Add(command, "Queue", DbType.String, queue);
        command.ExecuteNonQuery();
    }

    private PostgreSqlFetchedJob? TryFetch(string[] queues)
    {
        while (true)
        {
            try
            {
                using var connection = _dataSource.OpenConnection();
                using var command = new NpgsqlCommand(_fetch, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = queues, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                using var reader = command.ExecuteReader();
                if (!reader.Read()) return null;
                return new PostgreSqlFetchedJob(_storage, reader.GetInt64(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), reader.GetString(2),
                    reader.GetFieldValue<DateTime>(3));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure)
            {
                // Another fetch took the row between the look and the update: look again, as Hangfire.PostgreSql does.
            }
        }
    }

    private static void Add(IDbCommand command, string name, DbType type, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
