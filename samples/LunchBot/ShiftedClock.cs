using NodaTime;

namespace LunchBot;

/// <summary>
/// A clock that runs at normal speed from a chosen starting moment, for <c>--now</c>: it lets you see what the bot does
/// on a past Wednesday at 09:05 without waiting for one. Every part of the app reads time through <see cref="IClock"/>.
/// </summary>
public sealed class ShiftedClock(IClock inner, Duration shift) : IClock
{
    /// <summary>A clock that reads <paramref name="now"/> at this moment and advances with <paramref name="inner"/>.</summary>
    public static ShiftedClock StartingAt(IClock inner, Instant now) => new(inner, now - inner.GetCurrentInstant());

    public Instant GetCurrentInstant() => inner.GetCurrentInstant() + shift;
}
