using System;
using System.Globalization;
using System.Threading;
using Hangfire.Logging;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// Wakes a storage's idle workers when jobs are queued, in this process or any other on the database: every queue entry
/// is announced with <c>NOTIFY new_job</c> in the transaction that writes it (<see cref="Announcement"/>), and one
/// connection per storage listens for it, instead of one per fetch as Hangfire.PostgreSql's long polling does. The
/// listener waits with a plain timed wait, never a cancelled one: cancelling Npgsql's wait can deadlock
/// (npgsql/npgsql#5975), which held fetched jobs for 12 to over 30 s (docs/benchmarks.md). A worker that finds the queue
/// empty waits here for an announcement or for the queue poll interval, whichever comes first, so a job no one announces
/// (one whose worker died, one written by a server that does not announce) is still found at the next poll.
/// </summary>
/// <remarks>
/// An announcement's payload starts with how many jobs it brings (<c>"18:…"</c>), and wakes that many idle workers of
/// each storage at most: a step that queues 18 tasks wakes 18, not every worker of every server, and one job wakes one.
/// The rest of the payload keeps announcements of one transaction distinct (PostgreSQL delivers identical ones once).
/// An empty or unreadable payload (Hangfire.PostgreSql's own long polling sends none) counts as one job. The listener
/// starts with the first wait and ends once no worker has waited for <see cref="IdleStop"/>, so a storage no server uses
/// keeps no connection (tests drop their databases); a worker that waits again starts it again.
/// </remarks>
internal sealed class PostgreSqlJobArrivals
{
    /// <summary>The channel, Hangfire.PostgreSql's: servers of it with long polling on the same database hear our jobs, and we theirs.</summary>
    public const string Channel = "new_job";

    /// <summary>How long the listener stays connected after the last worker stopped waiting.</summary>
    public static readonly TimeSpan IdleStop = TimeSpan.FromSeconds(10);

    private static readonly ILog s_log = LogProvider.GetLogger(typeof(PostgreSqlJobArrivals));

    private readonly string _connectionString;
    private readonly object _gate = new();
    private long _generation;
    private int _waiting;
    private int _wakeable;
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
            Enlist = false,
            // A connection that only listens sends nothing; a keepalive finds a dead one within this many seconds.
            KeepAlive = 15,
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

    /// <summary>How many workers wait now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting; }
    }

    /// <summary>The SQL expression of the payload that announces <paramref name="countSql"/> jobs, the first of which is <paramref name="firstJobIdSql"/>.</summary>
    public static string Announcement(string countSql, string firstJobIdSql) =>
        $"pg_notify('{Channel}', ({countSql})::text || ':' || ({firstJobIdSql})::text)";

    /// <summary>
    /// Taken before a worker looks at the queue: an announcement that comes between its look and its wait
    /// (<see cref="Wait"/>) ends the wait at once, so no job waits for the poll because of that race.
    /// </summary>
    public long Ticket() => Volatile.Read(ref _generation);

    /// <summary>
    /// Waits until jobs are announced after <paramref name="ticket"/> was taken, or <paramref name="timeout"/> passes, or
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <returns>True when woken by an announcement.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool Wait(long ticket, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        using var cancelled = cancellationToken.Register(static gate => { lock (gate!) Monitor.PulseAll(gate); }, _gate);
        lock (_gate)
        {
            _lastWaitTicks = Environment.TickCount64;
            StartListenerIfNeeded();
            if (_generation != ticket) return true;
            _waiting++;
            try
            {
                while (true)
                {
                    // A wake-up is for a worker that waited when the jobs came (one that came later looked at the queue after them).
                    if (_wakeable > 0 && _generation != ticket)
                    {
                        _wakeable--;
                        return true;
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0) return false;
                    Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
                }
            }
            finally
            {
                _waiting--;
                if (_wakeable > _waiting) _wakeable = _waiting;
                _lastWaitTicks = Environment.TickCount64;
            }
        }
    }

    /// <summary>Wakes up to <paramref name="jobs"/> waiting workers (every one for <see cref="int.MaxValue"/>).</summary>
    public void Arrived(int jobs)
    {
        if (jobs <= 0) return;
        lock (_gate)
        {
            _generation++;
            var wake = Math.Min(jobs, _waiting - _wakeable);
            if (wake <= 0) return;
            _wakeable += wake;
            if (wake == _waiting) Monitor.PulseAll(_gate);
            else for (var i = 0; i < wake; i++) Monitor.Pulse(_gate);
        }
    }

    /// <summary>How many jobs an announcement's payload brings: the number before its colon, one when there is none.</summary>
    public static int JobsIn(string? payload)
    {
        if (string.IsNullOrEmpty(payload)) return 1;
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        var count = colon < 0 ? payload : payload[..colon];
        return int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var jobs) && jobs > 0 ? jobs : 1;
    }

    private void StartListenerIfNeeded()
    {
        if (_listener is not null) return;
        _listener = new Thread(Listen) { IsBackground = true, Name = "Pipelines PostgreSQL job arrivals" };
        _listener.Start();
    }

    /// <summary>True (and the listener ends) once no worker has waited for <see cref="IdleStop"/>; called under the gate.</summary>
    private bool IdleLongEnough()
    {
        if (_waiting > 0 || Environment.TickCount64 - _lastWaitTicks < (long)IdleStop.TotalMilliseconds) return false;
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
                connection.Notification += (_, e) => Arrived(JobsIn(e.Payload));
                using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) listen.ExecuteNonQuery();
                lock (_gate)
                {
                    _listening = true;
                    _listenerPid = connection.ProcessID;
                }
                warned = false;
                // Jobs queued while no one listened were not heard: every waiting worker looks once now.
                Arrived(int.MaxValue);
                while (true)
                {
                    // A timed wait, never a cancelled one (npgsql/npgsql#5975); notifications are raised inside it.
                    connection.Wait(1000);
                    lock (_gate)
                        if (IdleLongEnough()) return;
                }
            }
            catch (Exception e)
            {
                // Whatever failed, the thread lives on (an exception leaving it would end the process): the poll covers the gap.
                lock (_gate) _listening = false;
                // Once per outage, not once per second of it.
                if (!warned) s_log.WarnException("The connection that hears new PostgreSQL jobs failed; idle workers poll the queue until it is back.", e);
                else s_log.DebugException("The connection that hears new PostgreSQL jobs is still down.", e);
                warned = true;
                Thread.Sleep(1000);
                lock (_gate)
                    if (IdleLongEnough()) return;
            }
        }
    }
}
