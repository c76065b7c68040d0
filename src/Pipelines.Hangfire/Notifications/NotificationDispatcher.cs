using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Delivers the events in the <see cref="NotificationOutbox"/> to every registered notifier, at least once and in order
/// per run. A notifier that fails is tried again after a doubling delay, and gives up after a dozen tries (about half an
/// hour), so a webhook that is down holds back only its own later events of that run, never the other notifiers'; each
/// notifier's progress is stored, so one that already has an event never gets it again because another failed. A
/// server delivers a run's events under a short lock of its own, so servers sharing a storage never send one twice at once.
/// </summary>
internal sealed partial class NotificationDispatcher
{
    private const int MaxAttempts = 12;
    private const int MaxEventsPerRunPass = 100;
    private static readonly TimeSpan s_longestDelay = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_notifyTimeout = TimeSpan.FromSeconds(30);

    // Retry delays are waited in real time: a test's or a replay's fake clock must not stall delivery.
    private static readonly IClock s_realTime = SystemClock.Instance;

    private readonly (string Key, IPipelineNotifier Notifier)[] _notifiers;
    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;
    private readonly ILogger<NotificationDispatcher> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _passesStarted;
    private long _passesEnded;

    private readonly PipelineRegistry _registry;

    public NotificationDispatcher(IEnumerable<IPipelineNotifier> notifiers, JobStorage storage, PipelinesOptions options, PipelineRegistry registry, ILogger<NotificationDispatcher> logger)
    {
        _registry = registry;
        // A notifier's stored progress is keyed by its type and its place among notifiers of that type, which is the
        // same on every server configured alike; a group (the pipelines' callbacks) is delivered to member by member,
        // each under the key it names itself by.
        _notifiers = notifiers
            .GroupBy(n => n.GetType().FullName ?? n.GetType().Name)
            .SelectMany(g => g.Select((n, i) => (Key: g.Key + "#" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Notifier: n)))
            .SelectMany(entry => entry.Notifier is IPipelineNotifierGroup group ? group.Members : new[] { entry })
            .ToArray();
        _storage = storage;
        _options = options;
        _logger = logger;
    }

    /// <summary>Events in the outbox that some notifier has not had yet.</summary>
    /// <remarks>
    /// Zero is not yet "all delivered": a pass that empties a run's list takes the run off the outbox's index, then puts
    /// it back if a step added an event meanwhile, and between the two the event is not counted. Wait for
    /// <see cref="Idle"/> instead, on every server that delivers.
    /// </remarks>
    public int Pending
    {
        get
        {
            using var connection = NotificationOutbox.Connect(_storage);
            return NotificationOutbox.Count(connection);
        }
    }

    /// <summary>
    /// Nothing waits in the outbox, and no delivery pass of this dispatcher was under way while that was counted, so no
    /// event of a run this dispatcher was emptying went uncounted (<see cref="Pending"/>); tests wait for it.
    /// </summary>
    public bool Idle
    {
        get
        {
            // The ends are read before the starts, so equal counts mean no pass was under way at that moment; an
            // unchanged start count after the count means none began while it was taken.
            var ended = Volatile.Read(ref _passesEnded);
            var started = Volatile.Read(ref _passesStarted);
            if (started != ended || Pending != 0) return false;
            return Volatile.Read(ref _passesStarted) == started;
        }
    }

    /// <summary>
    /// Adds to the outbox, as part of <paramref name="transaction"/>, the <paramref name="events"/> a notifier of this
    /// process hears (<see cref="IPipelineNotifier.Hears"/>), and returns them, for <see cref="Publish"/> once the
    /// transaction has committed. A process that does not deliver (<see cref="PipelinesOptions.DeliverNotifications"/>
    /// off: a command-line verb, whose notifiers may not be the servers') stores every event and leaves the choice to the
    /// servers that deliver them.
    /// </summary>
    public IReadOnlyList<PipelineEvent> Store(IWriteOnlyTransaction transaction, IReadOnlyList<PipelineEvent> events)
    {
        var heard = ToStore(events);
        NotificationOutbox.Write(transaction, heard);
        return heard;
    }

    /// <summary>Which of <paramref name="events"/> <see cref="Store"/> stores: those a notifier hears, or all where this process does not deliver.</summary>
    public IReadOnlyList<PipelineEvent> ToStore(IReadOnlyList<PipelineEvent> events) =>
        !_options.DeliverNotifications || events.Count == 0 ? events : events.Where(Heard).ToList();

    /// <summary>Whether a notifier hears <paramref name="pipelineEvent"/>.</summary>
    private bool Heard(PipelineEvent pipelineEvent)
    {
        foreach (var (key, notifier) in _notifiers)
            if (Hears(key, notifier, pipelineEvent)) return true;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="notifier"/> hears <paramref name="pipelineEvent"/>; one whose choice throws (a webhook's
    /// filter reading a task of a run's event) hears it, so the event is stored and its call fails and is retried as any
    /// failed delivery, and neither the step nor the run's other notifiers depend on the mistake.
    /// </summary>
    private bool Hears(string key, IPipelineNotifier notifier, PipelineEvent pipelineEvent)
    {
        try
        {
            return notifier.Hears(pipelineEvent);
        }
        catch (Exception ex)
        {
            LogHearsFailed(_logger, ex, key, pipelineEvent.Kind, pipelineEvent.PipelineId, pipelineEvent.RunId);
            return true;
        }
    }

    /// <summary>Called after a step has committed <paramref name="events"/> to the outbox: delivers them soon.</summary>
    public void Publish(IReadOnlyList<PipelineEvent> events)
    {
        if (events.Count > 0) Wake();
    }

    /// <summary>Ends a <see cref="WaitForWork"/> early.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one pass delivers everything written so far.
        }
    }

    /// <summary>Waits until <see cref="Publish"/> is called or <paramref name="timeout"/> passes.</summary>
    public void WaitForWork(TimeSpan timeout, CancellationToken cancellationToken) => _wake.Wait(timeout, cancellationToken);

    /// <summary>
    /// One delivery pass over the outbox: sends every event whose notifiers are due, and returns when the earliest
    /// retry is due (null when none waits). Runs whose events another server is delivering are left to it.
    /// </summary>
    public Instant? DeliverDue(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _passesStarted);
        try
        {
            return DeliverRuns(cancellationToken);
        }
        finally
        {
            Interlocked.Increment(ref _passesEnded);
        }
    }

    private Instant? DeliverRuns(CancellationToken cancellationToken)
    {
        using var connection = NotificationOutbox.Connect(_storage);
        Instant? next = null;
        foreach (var runKey in connection.GetAllItemsFromSet(NotificationOutbox.IndexKey))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Another app's pipeline sharing the storage: its servers have its callbacks (and perhaps other notifiers),
            // so its events are theirs to deliver and settle, never this server's to take off the outbox.
            if (!_registry.TryGet(NotificationOutbox.PipelineOf(runKey), out _)) continue;
            IDisposable runLock;
            try
            {
                runLock = StorageLocks.Acquire(_storage, connection, NotificationOutbox.DeliveryLock(runKey), TimeSpan.Zero);
            }
            catch (DistributedLockTimeoutException)
            {
                continue;
            }
            using (runLock)
            {
                try
                {
                    next = Earliest(next, DeliverRun(connection, runKey, runLock, cancellationToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not DistributedLockTimeoutException)
                {
                    // One run whose events cannot be read (an entry written by a newer version) must not stop the others.
                    LogRunSkipped(_logger, runKey, ex);
                }
            }
        }
        return next;
    }

    private Instant? DeliverRun(JobStorageConnection connection, string runKey, IDisposable runLock, CancellationToken cancellationToken)
    {
        var entries = NotificationOutbox.Read(connection, runKey);
        var now = s_realTime.GetCurrentInstant();
        var complete = entries.Count <= MaxEventsPerRunPass;
        Instant? next = complete ? null : now;
        // The run's delivery hash is read once, and only if one of its events keeps its progress there.
        IReadOnlyDictionary<string, string>? runProgress = null;
        var settlements = new RunSettlements(_storage, connection, runKey);
        // A notifier with an unsettled event of this run gets none of the run's later events until it is settled.
        var holding = new HashSet<string>(StringComparer.Ordinal);
        var allSettled = true;
        try
        {
            foreach (var entry in entries.Take(MaxEventsPerRunPass))
            {
                IReadOnlyDictionary<string, string> stored;
                if (entry.ProgressInRunHash)
                    stored = runProgress ??= connection.GetAllEntriesFromHash(NotificationOutbox.RunDeliveryKey(runKey)) ?? new Dictionary<string, string>();
                else
                    stored = connection.GetAllEntriesFromHash(NotificationOutbox.DeliveryKey(entry.Id)) ?? new Dictionary<string, string>();
                var changes = new Dictionary<string, string>(StringComparer.Ordinal);
                var settled = true;
                foreach (var (key, notifier) in _notifiers)
                {
                    var field = entry.ProgressInRunHash ? NotificationOutbox.DeliveryField(entry.Id, key) : key;
                    var delivery = NotifierDelivery.Parse(stored.GetValueOrDefault(field));
                    // A notifier that does not hear the event has nothing to do with it (a server configured alike
                    // stored it for another notifier).
                    if (delivery.IsSettled || !Hears(key, notifier, entry.Event)) continue;
                    if (!holding.Contains(key) && !(delivery.NextAttempt > now))
                    {
                        delivery = Notify(notifier, key, entry, delivery, now, cancellationToken);
                        changes[field] = delivery.Format();
                    }
                    if (delivery.IsSettled) continue;
                    settled = false;
                    holding.Add(key);
                    next = Earliest(next, delivery.NextAttempt);
                }
                allSettled &= settled;
                if (settled) settlements.Settled(entry);
                else if (changes.Count > 0) settlements.Progressed(entry, changes);
            }
        }
        catch
        {
            // A notifier stopped by the host's shutdown, or a storage error: what was delivered before it is kept, so the
            // drain in this process (or the next pass) does not send it again.
            try
            {
                settlements.Commit(emptied: false, runHashMayExist: false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRunSkipped(_logger, runKey, ex);
            }
            throw;
        }

        // An empty list still indexed is what a pass that failed after taking the run's last events off it leaves: its
        // delivery hash may still be there, unread.
        var runHashMayExist = runProgress is { Count: > 0 } || entries.Count == 0;
        if (!(allSettled && complete))
        {
            settlements.Commit(emptied: false, runHashMayExist, lastHoldingLock: runLock);
            return next;
        }
        // The list is empty. A step may add an event between the read and this removal: look again after it, and put
        // the run back if so (a step's own AddToSet after the removal keeps it listed anyway; the look needs no lock).
        settlements.Commit(emptied: true, runHashMayExist, lastHoldingLock: runLock);
        if (connection.GetListCount(runKey) > 0)
        {
            using var transaction = connection.CreateWriteTransaction();
            transaction.AddToSet(NotificationOutbox.IndexKey, runKey);
            transaction.Commit();
            next = now;
        }
        return next;
    }

    private NotifierDelivery Notify(IPipelineNotifier notifier, string key, OutboxEntry entry, NotifierDelivery delivery, Instant now, CancellationToken cancellationToken)
    {
        var e = entry.Event;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_notifyTimeout);
            // Synchronously, on the delivery loop's own thread: the run's delivery lock is held around the call, and
            // not every storage's lock may be released from another thread.
            notifier.NotifyAsync(e, timeout.Token).GetAwaiter().GetResult();
            return NotifierDelivery.Success();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failed = delivery.Failure(now, _options.NotificationRetryDelay, s_longestDelay, MaxAttempts);
            if (failed.GaveUp) LogGaveUp(_logger, ex, key, e.Kind, e.PipelineId, e.RunId, failed.Attempts);
            else LogFailed(_logger, ex, key, e.Kind, e.PipelineId, e.RunId, failed.Attempts);
            return failed;
        }
    }

    private static Instant? Earliest(Instant? a, Instant? b) => a is null ? b : b is null ? a : Instant.Min(a.Value, b.Value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The events of {Run} could not be delivered in this pass; the other runs' are")]
    private static partial void LogRunSkipped(ILogger logger, string run, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifier {Notifier} failed to send {Kind} for {Pipeline} {Run} (try {Attempts}); it will be tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string notifier, PipelineEventKind kind, string pipeline, string run, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifier {Notifier} could not say whether it hears {Kind} for {Pipeline} {Run}; the event is kept and sent to it")]
    private static partial void LogHearsFailed(ILogger logger, Exception exception, string notifier, PipelineEventKind kind, string pipeline, string run);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notifier {Notifier} failed to send {Kind} for {Pipeline} {Run} {Attempts} times; giving up on this event")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string notifier, PipelineEventKind kind, string pipeline, string run, int attempts);
}
