namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>One side of a many-runs measurement: how many tasks finished in what time, and how busy the machine was.</summary>
public sealed record ManySide(int Tasks, int Done, double WallMs, bool Completed, double MachineBusy, long ServerCpuMs)
{
    public double TasksPerSecond => Done / (WallMs / 1000.0);

    /// <summary>CPU time the server processes spent per finished task (PostgreSQL's own CPU not included).</summary>
    public double CpuPerTaskMs => Done == 0 ? double.NaN : (double)ServerCpuMs / Done;
}
