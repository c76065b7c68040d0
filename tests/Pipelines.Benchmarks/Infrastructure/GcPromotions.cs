using System.Diagnostics.Tracing;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// What the garbage collector found alive in gen0 and moved to an older generation, summed over the process's
/// collections: the runtime's <c>GCHeapStats</c> event (<c>TotalPromotedSize0</c>) after each collection, read in the
/// process with an <see cref="EventListener"/> at the GC keyword's informational level (allocation ticks, verbose, stay
/// off). Every byte promoted out of gen0 is copied, and fills gen1's budget, whose collections pause longer; two sides
/// that allocate alike can still pause very differently by what they keep alive across a collection.
/// </summary>
public sealed class GcPromotions : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private static GcPromotions? s_listener;
    private long _promoted;

    /// <summary>Bytes promoted out of gen0 since the listener started (0 before <see cref="Start"/>).</summary>
    public static long Total => s_listener is { } listener ? Interlocked.Read(ref listener._promoted) : 0;

    /// <summary>Starts listening, once per process.</summary>
    public static void Start() => s_listener ??= new GcPromotions();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        if (data.EventName is not { } name || !name.StartsWith("GCHeapStats", StringComparison.Ordinal) || data.Payload is not { Count: > 1 } payload) return;
        var index = data.PayloadNames?.IndexOf("TotalPromotedSize0") ?? -1;
        if (index >= 0 && payload[index] is { } promoted) Interlocked.Add(ref _promoted, Convert.ToInt64(promoted, System.Globalization.CultureInfo.InvariantCulture));
    }
}
