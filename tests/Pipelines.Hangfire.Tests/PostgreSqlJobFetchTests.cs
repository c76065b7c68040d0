using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// How a server on the pipelines' PostgreSQL storage waits for jobs (<see cref="PipelinesStorage.PostgreSqlOptions"/>):
/// by polling, not by Hangfire.PostgreSql's long polling, which opens a <c>LISTEN</c> connection for every fetch and
/// cancels its wait once a job is found. Npgsql can deadlock cancelling that wait (npgsql/npgsql#5975): stack dumps of
/// the benchmark showed workers holding a fetched job in that cancellation for 12 to over 30 s while the others idled
/// (docs/benchmarks.md). Against a real PostgreSQL server, with a real Hangfire server.
/// </summary>
public sealed class PostgreSqlJobFetchTests(PostgreSqlJobFetchTests.Database database) : IClassFixture<PostgreSqlJobFetchTests.Database>
{
    public sealed class Database() : PostgresDatabase("fetch");

    [Fact]
    public async Task Idle_workers_poll_the_queue_and_keep_no_listening_connection_of_their_own()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database.ConnectionString), new[] { Linear.Definition }, workers: 4);
        var run = await host.RunAsync("linear");
        Assert.Equal(RunState.Success, run.State);

        // The four workers are idle now: each asks the queue for a job every QueuePollInterval (200 ms), on a pooled
        // connection whose last statement is that fetch; with long polling each would also wait on a connection of its
        // own whose last statement is LISTEN.
        await Poll.UntilAsync(() => Sessions().Count(q => q.Contains("\"jobqueue\"", StringComparison.Ordinal) && q.Contains("FOR UPDATE SKIP LOCKED", StringComparison.Ordinal)),
            n => n > 0, "a worker's fetch from the queue");
        for (var i = 0; i < 5; i++)
        {
            Assert.DoesNotContain(Sessions(), q => q.TrimStart().StartsWith("LISTEN", StringComparison.OrdinalIgnoreCase));
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_steps_new_jobs_are_not_announced_with_NOTIFY_where_no_worker_listens()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database.ConnectionString), new[] { Linear.Definition }, workers: 4);
        await using var listener = new NpgsqlConnection(database.ConnectionString);
        await listener.OpenAsync();
        var announced = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref announced);
        await using (var listen = new NpgsqlCommand("LISTEN new_job", listener)) await listen.ExecuteNonQueryAsync();

        // Each of a linear run's three jobs is created in a step's batch.
        var run = await host.RunAsync("linear");
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(3, run.Tasks.Length);

        // Notifications already delivered are read now; a wait that times out reads nothing more.
        Assert.False(await listener.WaitAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, announced);
    }

    /// <summary>The last statement of every other session on this test's database.</summary>
    private List<string> Sessions()
    {
        using var connection = new NpgsqlConnection(database.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT coalesce(query, '') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        using var reader = command.ExecuteReader();
        var queries = new List<string>();
        while (reader.Read()) queries.Add(reader.GetString(0));
        return queries;
    }
}
