using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// What the garbage collector found alive in gen0, summed over the process's collections: the runtime's
/// <c>GCHeapStats</c> event (<c>TotalPromotedSize0</c>) after each collection, read in the process with an
/// <see cref="EventListener"/> at the GC keyword's informational level (allocation ticks, verbose, stay off). Every byte
/// found alive in gen0 is copied, and what moves on fills gen1's budget, whose collections pause longer: two sides that
/// allocate alike can still pause very differently by what they keep alive across a collection. (The collector may keep
/// some survivors in gen0, where the next collection counts them again, so this slightly overstates what left gen0.)
/// </summary>
/// <remarks>
/// The runtime hands the events to the listener on a thread of its own, a little after each collection: <see cref="Sync"/>
/// waits until the listener has every collection the process has run so far, so a measurement's span holds its own.
/// </remarks>
public sealed class GcPromotions : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private static readonly TimeSpan s_syncLimit = TimeSpan.FromSeconds(2);
    private static GcPromotions? s_listener;
    private long _promoted;
    private long _lastEnded;
    private long _ends;
    private long _stats;

    /// <summary>Bytes found alive in gen0 since the listener started (0 before <see cref="Start"/>).</summary>
    public static long Total => s_listener is { } listener ? Interlocked.Read(ref listener._promoted) : 0;

    /// <summary>How many times <see cref="Sync"/> gave up waiting: the figures around it may miss a collection.</summary>
    public static int Lagged { get; private set; }

    /// <summary>
    /// Starts listening, once per process, and runs a collection the listener hears: until it has heard one, it does not
    /// know how many collections came before it (<see cref="Sync"/> would wait for them in vain).
    /// </summary>
    public static void Start()
    {
        if (s_listener is not null) return;
        s_listener = new GcPromotions();
        GC.Collect();
        Sync();
        Lagged = 0;
    }

    /// <summary>
    /// Waits (at most two seconds) until the listener has heard the end and the heap statistics of every collection the
    /// process has run so far.
    /// </summary>
    public static void Sync()
    {
        if (s_listener is not { } listener) return;
        var target = GC.CollectionCount(0);
        var waited = Stopwatch.StartNew();
        while (Interlocked.Read(ref listener._lastEnded) < target || Interlocked.Read(ref listener._stats) < Interlocked.Read(ref listener._ends))
        {
            if (waited.Elapsed > s_syncLimit)
            {
                Lagged++;
                return;
            }
            Thread.Sleep(1);
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        if (data.EventName is not { } name || data.Payload is not { } payload || data.PayloadNames is not { } names) return;
        if (name.StartsWith("GCEnd", StringComparison.Ordinal))
        {
            // The collection's number: the count of gen0 collections once it ended (GC.CollectionCount(0)). The highest
            // heard counts: a background gen2 collection ends after the younger ones run during it, with its own, lower number.
            var count = names.IndexOf("Count");
            if (count >= 0 && payload[count] is { } number
                && Convert.ToInt64(number, System.Globalization.CultureInfo.InvariantCulture) is var ended && ended > Interlocked.Read(ref _lastEnded))
                Interlocked.Exchange(ref _lastEnded, ended);
            Interlocked.Increment(ref _ends);
        }
        else if (name.StartsWith("GCHeapStats", StringComparison.Ordinal))
        {
            var index = names.IndexOf("TotalPromotedSize0");
            if (index >= 0 && payload[index] is { } promoted) Interlocked.Add(ref _promoted, Convert.ToInt64(promoted, System.Globalization.CultureInfo.InvariantCulture));
            Interlocked.Increment(ref _stats);
        }
    }
}
