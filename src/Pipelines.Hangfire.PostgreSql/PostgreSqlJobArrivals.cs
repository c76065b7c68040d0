using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Hangfire.Logging;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// Wakes a storage's idle workers when jobs are queued, in this process or any other on the database: queue entries are
/// announced with <c>NOTIFY new_job</c> in the transaction that writes them (<see cref="QueueAndAnnounce"/>), and one
/// connection per storage listens for it, instead of one per fetch as Hangfire.PostgreSql's long polling does. The
/// listener waits with a plain timed wait, never a cancelled one: cancelling Npgsql's wait can deadlock
/// (npgsql/npgsql#5975), which held fetched jobs for 12 to over 30 s (docs/benchmarks.md). A worker that finds the queue
/// empty waits here for an announcement or for the queue poll interval, whichever comes first, so a job no one announces
/// (one whose worker died or stopped, one written by a server that does not announce) is still found at the next poll.
/// </summary>
/// <remarks>
/// An announcement's payload says how many jobs it brings, the first one's id and their queue (<c>"18:4711:default"</c>),
/// and wakes at most that many idle workers of each storage, among those that read the queue: a step that queues 18 tasks
/// wakes 18, not every worker of every server, and one job wakes one. The id keeps announcements of one transaction
/// distinct (PostgreSQL delivers identical ones once). A payload without a readable count counts as one job, and one
/// without a queue may wake any worker (Hangfire.PostgreSql's own long polling sends an empty payload). The listener
/// starts with the first wait and ends once no worker has waited for <see cref="IdleStop"/>, so a storage no server uses
/// keeps no connection (tests drop their databases); a worker that waits again starts it again.
/// </remarks>
internal sealed class PostgreSqlJobArrivals
{
    /// <summary>The channel, Hangfire.PostgreSql's: servers of it with long polling on the same database hear our jobs, and we theirs.</summary>
    public const string Channel = "new_job";

    /// <summary>How long the listener stays connected after the last worker stopped waiting.</summary>
    public static readonly TimeSpan IdleStop = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the listener checks its connection with a query. A connection that only listens sends nothing, and a
    /// half-open one (a failover, a dropped NAT entry) would otherwise time its waits out forever.
    /// </summary>
    private static readonly TimeSpan s_check = TimeSpan.FromSeconds(15);

    private static readonly ILog s_log = LogProvider.GetLogger(typeof(PostgreSqlJobArrivals));

    private readonly string _connectionString;
    private readonly object _gate = new();
    private readonly List<Waiter> _waiters = new();
    private long _generation;
    private bool _listening;
    private int _listenerPid;
    private Thread? _listener;
    private long _lastWaitTicks;

    /// <param name="connectionString">The database's Npgsql connection string; the listener's connection is its own, outside every pool.</param>
    public PostgreSqlJobArrivals(string connectionString)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "pipelines-job-arrivals",
            Pooling = false,
            Multiplexing = false,
            Enlist = false,
            CommandTimeout = (int)s_check.TotalSeconds,
        }.ConnectionString;
    }

    /// <summary>Whether the listener's connection is up now (while it is not, workers fall back to the queue poll alone).</summary>
    public bool Listening
    {
        get { lock (_gate) return _listening; }
    }

    /// <summary>The backend process id of the listener's session while it is up, else 0.</summary>
    public int ListenerProcessId
    {
        get { lock (_gate) return _listening ? _listenerPid : 0; }
    }

    /// <summary>How many workers wait to be woken now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiters.Count; }
    }

    /// <summary>
    /// One statement that inserts the queue entries <paramref name="rowsSql"/> gives (<c>VALUES ...</c> or a
    /// <c>SELECT</c> of job id and queue) into <paramref name="quotedSchema"/>'s <c>jobqueue</c> and announces them, one
    /// announcement per queue, delivered when the transaction commits. One statement: called synchronously, Npgsql writes
    /// a command's second and later statements from a task on the thread pool, a hop per call.
    /// </summary>
    public static string QueueAndAnnounce(string quotedSchema, string rowsSql) =>
        $"""WITH q AS (INSERT INTO {quotedSchema}."jobqueue" ("jobid", "queue") {rowsSql} RETURNING "jobid", "queue") SELECT pg_notify('{Channel}', count(*)::text || ':' || min(q."jobid")::text || ':' || q."queue") FROM q GROUP BY q."queue" """;

    /// <summary>What an announcement's payload brings: its job count (one when unreadable) and its queue (null when it names none).</summary>
    public static (int Jobs, string? Queue) Read(string? payload)
    {
        if (string.IsNullOrEmpty(payload)) return (1, null);
        var parts = payload.Split(':', 3);
        var jobs = int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : 1;
        return (jobs, parts.Length == 3 && parts[2].Length > 0 ? parts[2] : null);
    }

    /// <summary>
    /// Taken before a worker looks at the queue: an announcement that comes between its look and its wait
    /// (<see cref="Wait"/>) ends the wait at once, so no job waits for the poll because of that race.
    /// </summary>
    public long Ticket() => Volatile.Read(ref _generation);

    /// <summary>
    /// Waits until jobs of one of <paramref name="queues"/> are announced to this worker, or anything was announced after
    /// <paramref name="ticket"/> was taken, or <paramref name="timeout"/> passes.
    /// </summary>
    /// <returns>True when woken by an announcement.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool Wait(long ticket, string[] queues, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(queues);
        lock (_gate)
        {
            _lastWaitTicks = Environment.TickCount64;
            StartListenerIfNeeded();
            if (_generation != ticket) return true;
            _waiters.Add(waiter);
        }
        try
        {
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            // Each waiter sleeps on its own monitor: an announcement wakes the waiters it picks, and no other.
            using var cancelled = cancellationToken.Register(static w => { lock (w!) Monitor.Pulse(w); }, waiter);
            lock (waiter)
            {
                while (!waiter.Woken)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0) return false;
                    Monitor.Wait(waiter, (int)Math.Min(left, int.MaxValue));
                }
                return true;
            }
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
                _lastWaitTicks = Environment.TickCount64;
            }
        }
    }

    /// <summary>
    /// Wakes up to <paramref name="jobs"/> waiting workers that read <paramref name="queue"/> (any waiting worker when it is
    /// null), longest waiting first.
    /// </summary>
    public void Arrived(string? queue, int jobs)
    {
        if (jobs <= 0) return;
        List<Waiter>? picked = null;
        lock (_gate)
        {
            _generation++;
            for (var i = 0; i < _waiters.Count && jobs > 0; i++)
            {
                var waiter = _waiters[i];
                if (queue is not null && !waiter.Reads(queue)) continue;
                (picked ??= new List<Waiter>()).Add(waiter);
                _waiters.RemoveAt(i--);
                jobs--;
            }
        }
        if (picked is null) return;
        foreach (var waiter in picked)
        {
            lock (waiter)
            {
                waiter.Woken = true;
                Monitor.Pulse(waiter);
            }
        }
    }

    /// <summary>Called under the gate.</summary>
    private void StartListenerIfNeeded()
    {
        if (_listener is not null) return;
        var listener = new Thread(Listen) { IsBackground = true, Name = "Pipelines PostgreSQL job arrivals" };
        listener.Start();
        _listener = listener;
    }

    /// <summary>
    /// True when this thread is to end: it is no longer the storage's listener, or no worker has waited for
    /// <see cref="IdleStop"/> (then it is not the listener any more). Called under the gate.
    /// </summary>
    private bool Done()
    {
        if (_listener != Thread.CurrentThread) return true;
        if (_waiters.Count > 0 || Environment.TickCount64 - _lastWaitTicks < (long)IdleStop.TotalMilliseconds) return false;
        _listening = false;
        _listener = null;
        return true;
    }

    private void Listen()
    {
        var warned = false;
        while (true)
        {
            try
            {
                using var connection = new NpgsqlConnection(_connectionString);
                connection.Open();
                connection.Notification += (_, e) =>
                {
                    var (jobs, queue) = Read(e.Payload);
                    Arrived(queue, jobs);
                };
                using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) listen.ExecuteNonQuery();
                // Jobs queued while no one listened were not heard: every waiting worker looks once now.
                Arrived(null, int.MaxValue);
                lock (_gate)
                {
                    _listening = true;
                    _listenerPid = connection.ProcessID;
                }
                warned = false;
                var checkedAt = Environment.TickCount64;
                while (true)
                {
                    // A timed wait, never a cancelled one (npgsql/npgsql#5975); notifications are raised inside it.
                    connection.Wait(1000);
                    lock (_gate)
                        if (Done()) return;
                    if (Environment.TickCount64 - checkedAt >= (long)s_check.TotalMilliseconds)
                    {
                        // Fails within the command timeout on a connection that is gone; notifications still arrive meanwhile.
                        using var check = new NpgsqlCommand("SELECT 1", connection);
                        check.ExecuteNonQuery();
                        checkedAt = Environment.TickCount64;
                    }
                }
            }
            catch (Exception e)
            {
                // Whatever failed, the thread lives on (an exception leaving it would end the process): the poll covers the gap.
                lock (_gate)
                    if (_listener == Thread.CurrentThread) _listening = false;
                // Once per outage, not once per second of it.
                if (!warned) s_log.WarnException("The connection that hears new PostgreSQL jobs failed; idle workers poll the queue until it is back.", e);
                else s_log.DebugException("The connection that hears new PostgreSQL jobs is still down.", e);
                warned = true;
                Thread.Sleep(1000);
                lock (_gate)
                    if (Done()) return;
            }
        }
    }

    /// <summary>A waiting worker: the queues it reads, and whether an announcement picked it.</summary>
    private sealed class Waiter(string[] queues)
    {
        public bool Woken;

        public bool Reads(string queue)
        {
            foreach (var q in queues)
                if (string.Equals(q, queue, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }
    }
}
