using Hangfire;
using Hangfire.InMemory;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire storages configured for pipelines. The embedded in-memory default is here; the storage packages add theirs
/// to this class (<c>PipelinesStorage.PostgreSql</c> in Pipelines.Hangfire.PostgreSql, <c>PipelinesStorage.Redis</c> in
/// Pipelines.Hangfire.Redis), so an app references only the storage it runs on.
/// </summary>
public static class PipelinesStorage
{
    /// <summary>
    /// Hangfire.InMemory for development and single-process use. Everything is lost when the process ends; a fetched job
    /// is not re-queued after a crash. Pipeline state never expires in it (its keys carry no expiry).
    /// </summary>
    public static IGlobalConfiguration UsePipelinesInMemoryStorage(this IGlobalConfiguration configuration) =>
        configuration.UseInMemoryStorage(new InMemoryStorageOptions());
}
