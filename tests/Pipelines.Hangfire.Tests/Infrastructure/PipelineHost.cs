using global::Hangfire;
using global::Hangfire.InMemory;
using global::Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// A real host, wired the way a user wires it: AddHangfire + AddHangfireServer + AddPipelines, with a real
/// BackgroundJobServer on in-memory storage or on a PostgreSQL database.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private PipelineHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public PipelineOperations Operations => Services.GetRequiredService<PipelineOperations>();

    public PipelineScheduler Scheduler => Services.GetRequiredService<PipelineScheduler>();

    public SideEffects Effects => Services.GetRequiredService<SideEffects>();

    public JobStorage Storage => Services.GetRequiredService<JobStorage>();

    public static async Task<PipelineHost> StartAsync(
        JobStorage storage,
        IEnumerable<PipelineDefinition> pipelines,
        SideEffects? effects = null,
        Action<PipelinesOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        int workers = 8,
        string? serverName = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(effects ?? new SideEffects());
        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new SilentLogProvider())
            .UseStorage(storage));
        var list = pipelines.ToList();
        builder.Services.AddPipelines(o =>
        {
            o.Pipelines = list;
            o.RegisterSchedules = false;
            configure?.Invoke(o);
        });
        var queues = new PipelineRegistry(list).Queues;
        builder.Services.AddHangfireServer((_, o) =>
        {
            o.Queues = queues;
            o.WorkerCount = workers;
            o.SchedulePollingInterval = TimeSpan.FromMilliseconds(200);
            o.ServerName = serverName ?? "test-" + Guid.NewGuid().ToString("N")[..6];
        }, storage);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new PipelineHost(host);
    }

    public static JobStorage InMemoryStorage() => new InMemoryStorage(new InMemoryStorageOptions());

    /// <summary>PostgreSQL storage with the options the library recommends (queue polling, sliding invisibility).</summary>
    public static JobStorage PostgreSqlStorage(string connectionString) => PipelinesStorage.PostgreSql(connectionString);

    /// <summary>Redis storage with the options the library recommends, on the tests' Redis server, under <paramref name="prefix"/>.</summary>
    public static JobStorage RedisStorage(string prefix) => PipelinesStorage.Redis(RedisServer.Configuration, prefix);

    /// <summary>Triggers a run and waits until it finishes.</summary>
    public async Task<PipelineRun> RunAsync(string pipelineId, LocalDate? date = null, IReadOnlyDictionary<string, string>? parameters = null, TimeSpan? timeout = null)
    {
        var runId = Operations.Trigger(pipelineId, date ?? new LocalDate(2024, 3, 8), parameters);
        return await WaitAsync(pipelineId, runId, timeout);
    }

    /// <summary>Polls the run until it has finished.</summary>
    public async Task<PipelineRun> WaitAsync(string pipelineId, string runId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var run = Operations.GetRun(pipelineId, runId) ?? throw new InvalidOperationException($"Run {runId} does not exist.");
            if (run.State.IsFinished()) return run;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Run {runId} of {pipelineId} did not finish: {string.Join(", ", run.Tasks.Select(t => $"{t.TaskId}={t.State.Name()}"))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}
