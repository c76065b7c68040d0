using global::Hangfire;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>The runtime specification on a real PostgreSQL server, in a fresh database for this class.</summary>
public sealed class PostgreSqlRuntimeTests : RuntimeTests, IClassFixture<PostgreSqlRuntimeTests.Database>
{
    private readonly Database _database;

    public PostgreSqlRuntimeTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("runtime");
}
