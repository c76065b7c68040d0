using Hangfire;
using Hangfire.Logging;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.FaultInjection.App;
using Pipelines.Hangfire;

namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>
/// The suite's own window on the shared database: it triggers runs and reads their state through the runtime's
/// operations, in this process, with no Hangfire server (the serve processes do all the work).
/// </summary>
public sealed class RunStore : IDisposable
{
    private readonly ServiceProvider _services;

    public RunStore(string connectionString)
    {
        // Built the way the serve processes build theirs, so its triggers take the same advisory locks as their steps.
        var storage = PipelinesStorage.PostgreSql(connectionString);
        var services = new ServiceCollection();
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new NoLog())
            .UseStorage(storage));
        services.AddPipelines(o =>
        {
            o.Pipelines = [Pipeline];
            o.RegisterSchedules = false;
        });
        _services = services.BuildServiceProvider();
        Operations = _services.GetRequiredService<PipelineOperations>();
        _storage = storage;
    }

    private readonly JobStorage _storage;

    /// <summary>A run's counts as the coordinator keeps them (<see cref="UpstreamTally"/>), by field.</summary>
    public IReadOnlyDictionary<string, string> Counts(string runId)
    {
        using var connection = _storage.GetConnection();
        return connection.GetAllEntriesFromHash(PipelineStore.TallyKey(Pipeline.Id, runId)) ?? new Dictionary<string, string>();
    }

    /// <summary>The pipeline the fleet runs.</summary>
    public static PipelineDefinition Pipeline => FaultFan.Definition;

    public PipelineOperations Operations { get; }

    public void Dispose() => _services.Dispose();

    private sealed class NoLog : ILogProvider, ILog
    {
        public ILog GetLogger(string name) => this;
        public bool Log(global::Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
