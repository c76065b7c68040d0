namespace Pipelines.Hangfire.Tests.Infrastructure;

public enum StorageKind
{
    InMemory,
    PostgreSql,
    Redis,
}
