using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The runtime's own pools on PostgreSQL (<see cref="PostgreSqlDataSources"/>) prepare the statements they repeat, keep
/// them across the pool's reuse of a connection, and still hand out a clean session: no advisory lock and no setting
/// left by the connection's last user. On a real PostgreSQL server.
/// </summary>
public sealed class PostgreSqlDataSourcesTests(PostgreSqlDataSourcesTests.Database database) : IClassFixture<PostgreSqlDataSourcesTests.Database>
{
    public sealed class Database() : PostgresDatabase("sources");

    private static long Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Repeat(NpgsqlConnection connection, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var command = new NpgsqlCommand("SELECT $1::int + 1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = i });
            Assert.Equal(i + 1, Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void A_pooled_connection_keeps_its_prepared_statements_and_comes_back_without_the_last_users_locks_or_settings()
    {
        // One connection in the pool, so the second open gets the session the first returned.
        using var source = PostgreSqlDataSources.Create(database.ConnectionString + ";Maximum Pool Size=1", "pipelines-test");
        int backend;
        using (var connection = source.OpenConnection())
        {
            backend = (int)Scalar(connection, "SELECT pg_backend_pid()");
            Repeat(connection, 6);
            Assert.Equal(1, Scalar(connection, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'"));
            // What a step that failed midway could leave: its session lock, and the lock_timeout it set.
            Scalar(connection, "SELECT pg_advisory_lock(hashtextextended('pipelines:test:left', 0))::text IS NULL");
            using (var set = new NpgsqlCommand("SET lock_timeout = 1234", connection)) set.ExecuteNonQuery();
        }

        using (var again = source.OpenConnection())
        {
            Assert.Equal(backend, Scalar(again, "SELECT pg_backend_pid()"));
            Assert.Equal(0, Scalar(again, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"));
            using (var show = new NpgsqlCommand("SHOW lock_timeout", again)) Assert.Equal("0", show.ExecuteScalar());
            Assert.Equal(1, Scalar(again, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'"));
        }

        // Another session can take the lock the first one left.
        using var other = NpgsqlDataSource.Create(database.ConnectionString);
        using var otherConnection = other.OpenConnection();
        Assert.Equal(1, Scalar(otherConnection, "SELECT pg_try_advisory_lock(hashtextextended('pipelines:test:left', 0))::int"));
    }

    [Fact]
    public void A_connection_string_that_sets_max_auto_prepare_keeps_it()
    {
        using (var source = PostgreSqlDataSources.Create(database.ConnectionString, "pipelines-test"))
            Assert.Equal(PostgreSqlDataSources.MaxAutoPrepare, new NpgsqlConnectionStringBuilder(source.ConnectionString).MaxAutoPrepare);

        using var none = PostgreSqlDataSources.Create(database.ConnectionString + ";Max Auto Prepare=0", "pipelines-test");
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(none.ConnectionString).MaxAutoPrepare);
        using var connection = none.OpenConnection();
        Repeat(connection, 6);
        Assert.Equal(0, Scalar(connection, "SELECT count(*) FROM pg_prepared_statements"));
        using var own = PostgreSqlDataSources.Create(database.ConnectionString + ";MaxAutoPrepare=4", "pipelines-test");
        Assert.Equal(4, new NpgsqlConnectionStringBuilder(own.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public void Hangfire_PostgreSqls_own_connections_prepare_what_they_repeat_unless_the_string_says_otherwise()
    {
        // The storage PipelinesStorage.PostgreSql builds: Hangfire.PostgreSql's own connections (its fetches, state changes
        // and job reads) get Max Auto Prepare as the runtime's pools do, on one connection of a pool of one.
        var storage = (PostgreSqlPipelinesStorage)PipelinesStorage.PostgreSql(database.ConnectionString + ";Maximum Pool Size=1");
        using (var connection = storage.HangfireConnections.GetOrCreateConnection())
        {
            connection.Open();
            Assert.Equal(PostgreSqlDataSources.MaxAutoPrepare, new NpgsqlConnectionStringBuilder(connection.ConnectionString).MaxAutoPrepare);
            Repeat(connection, 6);
            Assert.Equal(1, Scalar(connection, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'"));
        }

        var unprepared = (PostgreSqlPipelinesStorage)PipelinesStorage.PostgreSql(database.ConnectionString + ";Max Auto Prepare=0;Maximum Pool Size=2");
        using var plain = unprepared.HangfireConnections.GetOrCreateConnection();
        plain.Open();
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(plain.ConnectionString).MaxAutoPrepare);
        Repeat(plain, 6);
        Assert.Equal(0, Scalar(plain, "SELECT count(*) FROM pg_prepared_statements"));
    }
}
