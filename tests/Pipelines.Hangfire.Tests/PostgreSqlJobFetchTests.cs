using global::Hangfire;
using global::Hangfire.Common;
using global::Hangfire.States;
using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// How a server on the pipelines' PostgreSQL storage waits for jobs: its idle workers are woken by announcements of new
/// jobs (<c>NOTIFY new_job</c>) heard on one connection per storage (<see cref="PostgreSqlJobArrivals"/>), and poll the
/// queue as a fallback; not by Hangfire.PostgreSql's long polling, which opens a <c>LISTEN</c> connection for every fetch
/// and cancels its wait once a job is found. Npgsql can deadlock cancelling that wait (npgsql/npgsql#5975): stack dumps
/// of the benchmark showed workers holding a fetched job in that cancellation for 12 to over 30 s while the others idled
/// (docs/benchmarks.md). Against a real PostgreSQL server, with real Hangfire servers.
/// </summary>
public sealed class PostgreSqlJobFetchTests(PostgreSqlJobFetchTests.Database database) : IClassFixture<PostgreSqlJobFetchTests.Database>
{
    public sealed class Database() : PostgresDatabase("fetch");

    /// <summary>Longer than any test waits: a job these tests see run was not found by a poll.</summary>
    private static readonly TimeSpan s_longPoll = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Idle_workers_wait_on_one_listening_connection_per_storage_not_one_per_fetch()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database.ConnectionString), new[] { Linear.Definition }, workers: 4);
        var run = await host.RunAsync("linear");
        Assert.Equal(RunState.Success, run.State);

        // The four workers are idle now. They look at the queue now and then (the fetch is some pooled connection's last
        // statement); with long polling each would also wait on a LISTEN connection of its own.
        await Poll.UntilAsync(() => Sessions().Count(s => s.Query.Contains("\"jobqueue\"", StringComparison.Ordinal) && s.Query.Contains("FOR UPDATE SKIP LOCKED", StringComparison.Ordinal)),
            n => n > 0, "a worker's fetch from the queue");
        // One session listens for this storage, for as long as its workers wait; every session that listens is one of
        // those (a storage of an earlier test keeps its own for a few seconds).
        var arrivals = ((PostgreSqlPipelinesStorage)host.Storage).Arrivals;
        var pid = await Poll.UntilAsync(() => arrivals.ListenerProcessId, p => p != 0, "the storage's listener");
        for (var i = 0; i < 5; i++)
        {
            var listening = Sessions().Where(s => s.Query.TrimStart().StartsWith("LISTEN", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.All(listening, s => Assert.Equal(("pipelines-job-arrivals", "LISTEN new_job"), (s.Application, s.Query.Trim())));
            Assert.Single(listening, s => s.Pid == pid);
            Assert.Equal(pid, arrivals.ListenerProcessId);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_steps_new_jobs_are_announced_once_per_batch_with_how_many_they_are_and_their_queue()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database.ConnectionString), new[] { FanIn.Definition }, workers: 4);
        // Outside the pool: a pooled connection would go on listening after this test.
        await using var listener = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await listener.OpenAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => { lock (payloads) payloads.Add(e.Payload); };
        await using (var listen = new NpgsqlCommand("LISTEN new_job", listener)) await listen.ExecuteNonQueryAsync();

        // Start's step queues P1 to P5 in one batch; every job of the run (Start, P1-P5, Join, Publish) is announced once.
        var run = await host.RunAsync("fan_in");
        Assert.Equal(RunState.Success, run.State);
        while (await listener.WaitAsync(TimeSpan.FromMilliseconds(300))) { }

        var jobs = run.Tasks.SelectMany(t => t.JobIds).Select(long.Parse).ToList();
        Assert.Equal(8, jobs.Count);
        var fanned = run.Tasks.Where(t => t.TaskId is "P1" or "P2" or "P3" or "P4" or "P5").SelectMany(t => t.JobIds).Select(long.Parse).ToList();
        Assert.Equal(5, fanned.Count);
        // Other jobs may be queued on the database meanwhile (the runtime's recurring reconciler); this run's are those
        // whose announcement names one of its jobs first.
        string[] heard;
        lock (payloads) heard = payloads.Where(p => jobs.Contains(long.Parse(p.Split(':')[1]))).ToArray();
        Assert.Contains($"5:{fanned.Min()}:{PipelineDefaults.Queue}", heard);
        Assert.All(heard, p => Assert.Equal(PipelineDefaults.Queue, PostgreSqlJobArrivals.Read(p).Queue));
        Assert.Equal(jobs.Count, heard.Sum(p => PostgreSqlJobArrivals.Read(p).Jobs));
        // Each of the other jobs (Start's, Join's, Publish's) was announced on its own, naming it.
        Assert.Equal(jobs.Except(fanned).Append(fanned.Min()).Order(), heard.Select(p => long.Parse(p.Split(':')[1])).Order());
    }

    [Fact]
    public async Task A_job_queued_by_another_storage_wakes_an_idle_server_long_before_its_poll()
    {
        await using var host = await PipelineHost.StartAsync(LongPollStorage(out var arrivals), new[] { Linear.Definition }, workers: 2);
        await Poll.UntilAsync(() => arrivals.Listening, on => on, "the server's listener");
        await Poll.UntilAsync(() => arrivals.Waiting, n => n == 2, "both workers to have found the queue empty");

        // Another server's storage (its own connections and listener) queues a plain Hangfire job in its transaction.
        var jobId = QueueMarkerJob(PipelineHost.PostgreSqlStorage(database.ConnectionString));
        await Poll.UntilAsync(() => StateOf(host.Storage, jobId), s => s == SucceededState.StateName, $"job {jobId} to succeed on the idle server", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_listener_whose_connection_is_killed_connects_again_and_wakes_the_server()
    {
        await using var host = await PipelineHost.StartAsync(LongPollStorage(out var arrivals), new[] { Linear.Definition }, workers: 2);
        await Poll.UntilAsync(() => arrivals.Listening, on => on, "the server's listener");
        var first = arrivals.ListenerProcessId;
        Assert.Contains(first, Listeners());

        using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            admin.Open();
            using var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({first})", admin);
            Assert.True((bool)kill.ExecuteScalar()!);
        }
        var second = await Poll.UntilAsync(() => arrivals.ListenerProcessId, p => p != 0 && p != first, "the server's listener, on a new session", TimeSpan.FromSeconds(30));
        Assert.Contains(second, Listeners());
        Assert.DoesNotContain(first, Listeners());

        var run = await host.RunAsync("linear", timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(RunState.Success, run.State);
        await Poll.UntilAsync(() => arrivals.Waiting, n => n == 2, "both workers to have found the queue empty");
        var jobId = QueueMarkerJob(PipelineHost.PostgreSqlStorage(database.ConnectionString));
        await Poll.UntilAsync(() => StateOf(host.Storage, jobId), s => s == SucceededState.StateName, $"job {jobId} to succeed on the idle server", TimeSpan.FromSeconds(60));
        Assert.Equal(second, arrivals.ListenerProcessId);
    }

    [Fact]
    public async Task An_announcement_wakes_as_many_waiting_workers_of_its_queue_as_it_brings_jobs_and_no_more()
    {
        var arrivals = new PostgreSqlJobArrivals(database.ConnectionString);
        using var stop = new CancellationTokenSource();
        var woken = new int[3];
        string[][] reads = [["default"], ["default"], ["risk", "critical"]];
        var waiters = Enumerable.Range(0, 3).Select(i => Task.Factory.StartNew(() =>
        {
            try
            {
                while (true)
                    if (arrivals.Wait(arrivals.Ticket(), reads[i], s_longPoll, stop.Token)) Interlocked.Increment(ref woken[i]);
            }
            catch (OperationCanceledException)
            {
            }
        }, TaskCreationOptions.LongRunning)).ToList();
        int[] Woken() => woken.Select(n => Volatile.Read(ref n)).ToArray();
        try
        {
            // Connecting wakes every waiter once (jobs queued while no one listened were not heard); count from then on.
            await Poll.UntilAsync(() => arrivals.Listening, on => on, "the listener");
            await Poll.UntilAsync(() => Woken().All(n => n >= 1) && arrivals.Waiting == 3, ok => ok, "the connection's wake-up of all three waiters");
            for (var i = 0; i < 3; i++) Interlocked.Exchange(ref woken[i], 0);

            // (queue, jobs) announced, and the wake-ups counted since, of the two default readers together and of the
            // risk and critical reader: one default reader, then both (not more than there are), the critical job and the
            // risk job their reader, a queue no one reads no one, and an announcement that names no queue (Hangfire's
            // long polling) every waiter.
            foreach (var (queue, jobs, defaults, other) in new (string?, int, int, int)[]
                     {
                         ("default", 1, 1, 0), ("default", 5, 3, 0), ("critical", 3, 3, 1), ("risk", 1, 3, 2), ("other", 4, 3, 2), (null, 10, 5, 3),
                     })
            {
                arrivals.Arrived(queue, jobs);
                await Poll.UntilAsync(() => Woken().Sum(), n => n >= defaults + other, $"{defaults + other} wake-ups after {jobs} job(s) of {queue ?? "no queue"}");
                await Poll.UntilAsync(() => arrivals.Waiting, n => n == 3, "the woken workers waiting again");
                await Task.Delay(300);
                var now = Woken();
                Assert.Equal((defaults, other), (now[0] + now[1], now[2]));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(waiters);
        }
        Assert.Equal(0, arrivals.Waiting);

        // Jobs announced between a worker's look at the queue (its ticket) and its wait, while no worker waited to be
        // woken, end that wait at once (a wait that missed them would last its whole timeout).
        var ticket = arrivals.Ticket();
        arrivals.Arrived("default", 1);
        Assert.True(arrivals.Wait(ticket, ["default"], TimeSpan.FromSeconds(20), CancellationToken.None));
    }

    [Theory]
    [InlineData("18:1234:default", 18, "default")]
    [InlineData("1:99:critical", 1, "critical")]
    [InlineData("", 1, null)]
    [InlineData(null, 1, null)]
    [InlineData("0:5:default", 1, "default")]
    [InlineData("many:5", 1, null)]
    [InlineData("-3:5:risk", 1, "risk")]
    [InlineData("7", 7, null)]
    [InlineData("2:5:", 2, null)]
    public void An_announcements_payload_gives_its_job_count_and_queue_and_an_unreadable_count_is_one(string? payload, int jobs, string? queue) =>
        Assert.Equal((jobs, queue), PostgreSqlJobArrivals.Read(payload));

    /// <summary>The pipelines' storage with a queue poll no test outlasts, so only an announcement can wake its idle workers.</summary>
    private JobStorage LongPollStorage(out PostgreSqlJobArrivals arrivals)
    {
        var options = PipelinesStorage.PostgreSqlOptions();
        options.QueuePollInterval = s_longPoll;
        var storage = new PostgreSqlPipelinesStorage(database.ConnectionString, options);
        arrivals = storage.Arrivals;
        return storage;
    }

    private static string QueueMarkerJob(JobStorage storage) =>
        new BackgroundJobClient(storage).Create(Job.FromExpression(() => WakeMarker.Hit()), new EnqueuedState(PipelineDefaults.Queue));

    private static string? StateOf(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    /// <summary>The backend ids of the sessions listening for new jobs.</summary>
    private List<int> Listeners() =>
        Sessions().Where(s => s.Application == "pipelines-job-arrivals" && s.Query.Trim() == "LISTEN new_job").Select(s => s.Pid).ToList();

    /// <summary>Every other session on this test's database: its backend id, application name and last statement.</summary>
    private List<(int Pid, string Application, string Query)> Sessions()
    {
        using var connection = new NpgsqlConnection(database.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT pid, coalesce(application_name, ''), coalesce(query, '') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        using var reader = command.ExecuteReader();
        var sessions = new List<(int, string, string)>();
        while (reader.Read()) sessions.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        return sessions;
    }
}

/// <summary>A plain Hangfire job that does nothing.</summary>
public static class WakeMarker
{
    public static void Hit() { }
}
