using Pipelines.Hangfire.Tests.Infrastructure;
using global::Hangfire;
using global::Hangfire.InMemory;
using global::Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hangfire;
using Pipelines.Benchmarks.Workloads;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>Which Hangfire storage a measurement runs on.</summary>
public enum StorageKind
{
    InMemory,
    PostgreSql,
}

/// <summary>
/// A real host wired the way a user wires it (AddHangfire + AddPipelines + AddHangfireServer) on a fresh storage:
/// a new Hangfire.InMemory store, or a new PostgreSQL database on the private server. Raw Hangfire jobs run on the
/// same server, with the same workers, as the pipeline tasks.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string? _ownedDatabase;
    private readonly string? _database;

    private BenchHost(IHost host, JobStorage storage, string? ownedDatabase, string? database, LogCounter log)
    {
        _host = host;
        Storage = storage;
        _ownedDatabase = ownedDatabase;
        _database = database;
        Log = log;
    }

    public JobStorage Storage { get; }

    public PipelineOperations Operations => _host.Services.GetRequiredService<PipelineOperations>();

    public IBackgroundJobClient Client => _host.Services.GetRequiredService<IBackgroundJobClient>();

    /// <summary>The PostgreSQL options every PostgreSQL measurement uses: the library's recommended ones.</summary>
    public static PostgreSqlStorageOptions PostgreSqlOptions() => PipelinesStorage.PostgreSqlOptions();

    /// <summary>The connection string of this host's PostgreSQL database (null in memory), for server processes to share it.</summary>
    public string? ConnectionString => _database;

    /// <summary>Warnings and errors the host's components logged (lock timeouts, steps left to the reconciler).</summary>
    public LogCounter Log { get; }

    /// <summary>The pipelines the hop, fan-out and mapped fan-out measurements run.</summary>
    public static PipelineDefinition[] DefaultPipelines => [Chain200.Definition, Fan1000.Definition, Mapped1000.Definition, Warmup.Definition];

    public static Task<BenchHost> StartAsync(StorageKind kind, int workers) => StartAsync(kind, workers, DefaultPipelines);

    /// <summary>
    /// A host on a fresh storage serving <paramref name="pipelines"/> with <paramref name="workers"/> Hangfire workers, or
    /// with no Hangfire server at all when <paramref name="workers"/> is 0 (a client that triggers runs and enqueues jobs
    /// for server processes on the same database).
    /// </summary>
    public static Task<BenchHost> StartAsync(StorageKind kind, int workers, IReadOnlyList<PipelineDefinition> pipelines)
    {
        string? database = null;
        JobStorage storage;
        if (kind == StorageKind.PostgreSql)
        {
            database = PostgresServer.CreateDatabase("bench");
            storage = PipelinesStorage.PostgreSql(database);
        }
        else
        {
            storage = new InMemoryStorage(new InMemoryStorageOptions());
        }
        return StartOnAsync(storage, database, ownsDatabase: true, workers, pipelines);
    }

    /// <summary>A server on an existing PostgreSQL database (a server process of the many-runs measurement); the database stays.</summary>
    public static Task<BenchHost> ServeAsync(string connectionString, int workers, IReadOnlyList<PipelineDefinition> pipelines) =>
        StartOnAsync(PipelinesStorage.PostgreSql(connectionString), connectionString, ownsDatabase: false, workers, pipelines);

    private static async Task<BenchHost> StartOnAsync(JobStorage storage, string? database, bool ownsDatabase, int workers, IReadOnlyList<PipelineDefinition> pipelines)
    {
        var log = new LogCounter();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(log);
        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new SilentLogProvider())
            .UseStorage(storage));
        builder.Services.AddPipelines(o =>
        {
            o.Pipelines = pipelines;
            o.RegisterSchedules = false;
        });
        if (workers > 0)
        {
            var queues = new PipelineRegistry(pipelines).Queues;
            builder.Services.AddHangfireServer((_, o) =>
            {
                o.Queues = queues;
                o.WorkerCount = workers;
                o.SchedulePollingInterval = TimeSpan.FromMilliseconds(200);
                o.ServerName = "bench-" + Guid.NewGuid().ToString("N")[..6];
            }, storage);
        }
        var host = builder.Build();
        await host.StartAsync();
        return new BenchHost(host, storage, ownsDatabase ? database : null, database, log);
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try { await _host.StopAsync(stop.Token); }
            catch (OperationCanceledException) { }
        }
        _host.Dispose();
        if (_ownedDatabase is not null)
        {
            try { PostgresServer.DropDatabase(_ownedDatabase); }
            catch (Npgsql.NpgsqlException) { }
        }
    }
}
