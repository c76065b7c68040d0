using System;
using System.Collections.Generic;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's storage, unchanged, that also takes the runtime's locks as advisory locks on its database
/// (<see cref="PostgreSqlAdvisoryLocks"/>) and commits the runtime's steps in one round trip on the lock's own session
/// (<see cref="PostgreSqlBatchTransaction"/>, with the jobs the step creates), reads what a step reads first in the lock's own round trip
/// (<see cref="PostgreSqlHashReads"/>) and a list of runs in one statement, starts tries and applies the ends that only move counts without the run's lock (<see cref="PostgreSqlHashSwap"/>), and wakes idle workers when jobs are
/// queued anywhere on the database (<see cref="PostgreSqlWakingQueueProvider"/>). Built by <c>PipelinesStorage.PostgreSql</c>, which knows the connection string.
/// </summary>
internal sealed class PostgreSqlPipelinesStorage : PostgreSqlStorage, IPipelineLockStorage, IPipelineTransactionStorage, IPipelineSwapStorage, IPipelineConditionalSwapStorage, IPipelineCountingSwapStorage, IPipelineReadStorage, IPipelineHashReadStorage
{
    private readonly PostgreSqlAdvisoryLocks _locks;
    private readonly string _schema;
    private readonly PostgreSqlHashSwap _swap;
    private readonly PostgreSqlHashReads _reads;
    private readonly PostgreSqlJobIds _jobIds;
    private readonly PostgreSqlJobArrivals _arrivals;
    private readonly NpgsqlDataSource _listReads;

    public PostgreSqlPipelinesStorage(string connectionString, PostgreSqlStorageOptions options)
        : this(new NpgsqlConnectionFactory(PostgreSqlDataSources.Prepared(connectionString), options), connectionString, options)
    {
    }

    // Hangfire.PostgreSql's own connections (its fetches, state changes, job reads) prepare what they repeat, as the
    // runtime's pools do (PostgreSqlDataSources.Prepared).
    private PostgreSqlPipelinesStorage(NpgsqlConnectionFactory hangfireConnections, string connectionString, PostgreSqlStorageOptions options)
        : base(hangfireConnections, options)
    {
        HangfireConnections = hangfireConnections;
        _locks = new PostgreSqlAdvisoryLocks(connectionString);
        _schema = options.SchemaName;
        _reads = new PostgreSqlHashReads(_schema);
        _swap = new PostgreSqlHashSwap(_locks.DataSource, _reads, _schema);
        _jobIds = new PostgreSqlJobIds(PostgreSqlText.Schema(_schema));
        _arrivals = new PostgreSqlJobArrivals(connectionString);
        // The fetches' own pool: a worker's fetch never waits behind the locks' held connections, nor they behind it.
        var fetches = PostgreSqlDataSources.Create(connectionString, "pipelines-fetch");
        new PostgreSqlWakingQueueProvider(this, options, fetches, _arrivals).InstallAsDefault(this);
        // Lists of runs (pages, the API) read on a pool of their own: a burst of large lists never holds the connections
        // a step's lock needs.
        _listReads = PostgreSqlDataSources.Create(connectionString, "pipelines-reads");
    }

    /// <summary>Where Hangfire.PostgreSql's own connections come from.</summary>
    internal NpgsqlConnectionFactory HangfireConnections { get; }

    /// <summary>The announcements of new jobs this storage's idle workers wait on.</summary>
    internal PostgreSqlJobArrivals Arrivals => _arrivals;

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);

    public IPipelineSwap BeginSwap(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read) =>
        _swap.Begin(lockResource, timeout, wholeKeys, fields, out read);

    public IReadOnlyList<string>? SwapIf(string lockResource, TimeSpan timeout, HashFieldWrite? writeFirst, HashFieldWrite swap, string expected, IReadOnlyList<HashFieldCondition> conditions,
        IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read) =>
        _swap.SwapIf(lockResource, timeout, writeFirst, swap, expected, conditions, moves, writes, wholeKeys, fields, out read);

    public IPipelineCountingSwap BeginCountingSwap(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read) =>
        _swap.BeginCounting(lockResource, timeout, wholeKeys, fields, writeFirst, out read);

    public IDisposable AcquirePipelineLockAndRead(string resource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var into = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var first = writeFirst is null ? null
            : PostgreSqlBatchTransaction.HashUpsert(PostgreSqlText.Schema(_schema), writeFirst.Key, new Dictionary<string, string>(StringComparer.Ordinal) { [writeFirst.Field] = writeFirst.Value });
        var held = _locks.Acquire(resource, timeout, _reads.Query(wholeKeys, fields, into), first);
        read = into;
        return held;
    }

    public IReadOnlyDictionary<string, Dictionary<string, string>> ReadHashes(IReadOnlyCollection<string> keys) => _reads.ReadWhole(_listReads, keys);

    public IWriteOnlyTransaction? CreatePipelineTransaction(IDisposable heldLock) =>
        heldLock is PostgreSqlAdvisoryLocks.Held held ? new PostgreSqlBatchTransaction(held, _schema, _jobIds) : null;
}
