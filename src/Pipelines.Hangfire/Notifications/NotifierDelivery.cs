using System;
using System.Globalization;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Where one event stands with one notifier: not tried yet, failed <see cref="Attempts"/> times and due again at
/// <see cref="NextAttempt"/>, delivered, or given up after too many failures. Kept per notifier so that a notifier that
/// already has an event is never sent it again while another notifier is still being retried.
/// </summary>
internal readonly record struct NotifierDelivery(int Attempts, Instant? NextAttempt, bool Delivered, bool GaveUp)
{
    private const string DeliveredText = "delivered";
    private const string GaveUpText = "gave-up";

    public static NotifierDelivery NotTried => default;

    /// <summary>Nothing more to do for this notifier.</summary>
    public bool IsSettled => Delivered || GaveUp;

    public static NotifierDelivery Success() => new(0, null, Delivered: true, GaveUp: false);

    /// <summary>The state after a failed attempt: another try after a doubling delay, or none after <paramref name="maxAttempts"/>.</summary>
    public NotifierDelivery Failure(Instant now, TimeSpan firstDelay, TimeSpan longestDelay, int maxAttempts)
    {
        var attempts = Attempts + 1;
        if (attempts >= maxAttempts) return new(attempts, null, Delivered: false, GaveUp: true);
        var delay = TimeSpan.FromTicks(Math.Min(longestDelay.Ticks, firstDelay.Ticks * (1L << Math.Min(attempts - 1, 30))));
        return new(attempts, now + Duration.FromTimeSpan(delay), Delivered: false, GaveUp: false);
    }

    public string Format() => Delivered ? DeliveredText
        : GaveUp ? GaveUpText
        : string.Create(CultureInfo.InvariantCulture, $"{Attempts}|{(NextAttempt is { } at ? PipelineStore.Format(at) : "")}");

    public static NotifierDelivery Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return NotTried;
        if (text == DeliveredText) return Success();
        if (text == GaveUpText) return new(0, null, Delivered: false, GaveUp: true);
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return new(int.Parse(text.AsSpan(0, bar), CultureInfo.InvariantCulture), PipelineStore.ParseInstant(text[(bar + 1)..]), Delivered: false, GaveUp: false);
    }
}
