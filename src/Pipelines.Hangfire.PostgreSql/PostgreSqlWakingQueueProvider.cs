using System;
using System.Reflection;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// The queue provider of the pipelines' PostgreSQL storage: every queue's jobs are fetched and queued through
/// <see cref="PostgreSqlWakingJobQueue"/>; the dashboard's queue pages read Hangfire.PostgreSql's own monitoring of the
/// same table.
/// </summary>
/// <remarks>
/// Hangfire.PostgreSql takes one provider per queue and refuses a fetch across queues of different providers, so this one
/// replaces its default provider (<see cref="InstallAsDefault"/>) rather than being registered for named queues: a server
/// may read any queue. The default's setter is internal to Hangfire.PostgreSql (1.21.1); it is set once, when the storage
/// is built. Should a later version not have it, the storage keeps Hangfire.PostgreSql's queue, whose idle workers poll.
/// </remarks>
internal sealed class PostgreSqlWakingQueueProvider : IPersistentJobQueueProvider
{
    private static readonly ILog s_log = LogProvider.GetLogger(typeof(PostgreSqlWakingQueueProvider));

    private readonly PostgreSqlWakingJobQueue _queue;
    private readonly PostgreSqlJobQueueProvider _monitoring;

    public PostgreSqlWakingQueueProvider(PostgreSqlStorage storage, PostgreSqlStorageOptions options, NpgsqlDataSource dataSource, PostgreSqlJobArrivals arrivals)
    {
        _queue = new PostgreSqlWakingJobQueue(storage, options, dataSource, arrivals);
        _monitoring = new PostgreSqlJobQueueProvider(storage, options);
    }

    public IPersistentJobQueue GetJobQueue() => _queue;

    public IPersistentJobQueueMonitoringApi GetJobQueueMonitoringApi() => _monitoring.GetJobQueueMonitoringApi();

    /// <summary>Makes this provider <paramref name="storage"/>'s provider of every queue.</summary>
    /// <returns>False, with a warning logged, when this version of Hangfire.PostgreSql does not let it.</returns>
    public bool InstallAsDefault(PostgreSqlStorage storage)
    {
        var setter = typeof(PostgreSqlStorage).GetProperty(nameof(PostgreSqlStorage.QueueProviders))?.GetSetMethod(nonPublic: true);
        if (setter is null)
        {
            s_log.Warn("This version of Hangfire.PostgreSql does not let pipelines replace its queue provider: idle workers find new jobs at their next poll.");
            return false;
        }
        try
        {
            setter.Invoke(storage, [new PersistentJobQueueProviderCollection(this)]);
            return true;
        }
        catch (TargetInvocationException e)
        {
            s_log.WarnException("Pipelines could not replace Hangfire.PostgreSql's queue provider: idle workers find new jobs at their next poll.", e.InnerException ?? e);
            return false;
        }
    }
}
