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
    private readonly string? _database;

    private BenchHost(IHost host, JobStorage storage, string? database)
    {
        _host = host;
        Storage = storage;
        _database = database;
    }

    public JobStorage Storage { get; }

    public PipelineOperations Operations => _host.Services.GetRequiredService<PipelineOperations>();

    public IBackgroundJobClient Client => _host.Services.GetRequiredService<IBackgroundJobClient>();

    /// <summary>The PostgreSQL options every PostgreSQL measurement uses: the library's recommended ones.</summary>
    public static PostgreSqlStorageOptions PostgreSqlOptions() => PipelinesStorage.PostgreSqlOptions();

    public static async Task<BenchHost> StartAsync(StorageKind kind, int workers)
    {
        string? database = null;
        JobStorage storage;
        if (kind == StorageKind.PostgreSql)
        {
            database = PostgresServer.CreateDatabase("bench");
            var options = PostgreSqlOptions();
            storage = PipelinesStorage.PostgreSql(database);
        }
        else
        {
            storage = new InMemoryStorage(new InMemoryStorageOptions());
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new SilentLogProvider())
            .UseStorage(storage));
        var pipelines = new[] { Chain200.Definition, Fan1000.Definition, Warmup.Definition };
        builder.Services.AddPipelines(o =>
        {
            o.Pipelines = pipelines;
            o.RegisterSchedules = false;
        });
        var queues = new PipelineRegistry(pipelines).Queues;
        builder.Services.AddHangfireServer((_, o) =>
        {
            o.Queues = queues;
            o.WorkerCount = workers;
            o.SchedulePollingInterval = TimeSpan.FromMilliseconds(200);
            o.ServerName = "bench-" + Guid.NewGuid().ToString("N")[..6];
        }, storage);
        var host = builder.Build();
        await host.StartAsync();
        return new BenchHost(host, storage, database);
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try { await _host.StopAsync(stop.Token); }
            catch (OperationCanceledException) { }
        }
        _host.Dispose();
        if (_database is not null)
        {
            try { PostgresServer.DropDatabase(_database); }
            catch (Npgsql.NpgsqlException) { }
        }
    }
}
