namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>A fault the suite caused: a serve process killed (with its pid), or the database down (no pid).</summary>
/// <param name="What">For messages, for example "SIGKILL serve-2 (pid 4242)".</param>
/// <param name="At">When it happened (UTC).</param>
/// <param name="Pid">The process killed, or null when the fault touched every process (the database went down).</param>
/// <param name="Until">When the fault was over: the database accepted connections again; for a kill, the restart.</param>
public sealed record FaultEvent(string What, DateTime At, int? Pid, DateTime? Until)
{
    /// <summary>Whether the fault could have ended or disturbed an execution of <paramref name="pid"/> between the two moments.</summary>
    public bool Touches(int pid, DateTime from, DateTime to) => (Pid is null || Pid == pid) && At <= to && (Pid is null ? Until ?? At : At) >= from;

    /// <summary>Whether this fault killed <paramref name="pid"/> at or after <paramref name="from"/> and at or before <paramref name="to"/>.</summary>
    public bool Kills(int pid, DateTime from, DateTime to) => Pid == pid && At >= from && At <= to;

    public override string ToString() => $"{What} at {FaultClock.Format(At)}{(Until is { } until ? $" (until {FaultClock.Format(until)})" : "")}";
}

/// <summary>One timestamp format in every message, so lines from the side-effect file, the logs and the faults compare by eye.</summary>
public static class FaultClock
{
    public static string Format(DateTime utc) => utc.ToString("HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
}
