namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>One side of a many-runs measurement: how many tasks finished in what time, and how busy the machine was.</summary>
public sealed record ManySide(int Tasks, int Done, double WallMs, bool Completed, double MachineBusy, long ServerCpuMs)
{
    /// <summary>
    /// Methods the server processes' JIT compiled during this side, at any tier (a warm server compiles few). The JIT's
    /// own clock is not used: on a busy machine it counts the time a compiling thread waits for a core.
    /// </summary>
    public long JitMethods { get; init; }

    public double TasksPerSecond => Done / (WallMs / 1000.0);

    /// <summary>CPU time the server processes spent per finished task (PostgreSQL's own CPU not included).</summary>
    public double CpuPerTaskMs => Done == 0 ? double.NaN : (double)ServerCpuMs / Done;
}
