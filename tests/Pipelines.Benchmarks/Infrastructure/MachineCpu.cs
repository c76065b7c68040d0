namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// How busy the whole machine's CPUs were between two readings of Linux's /proc/stat (every process counts: the
/// harness, its server processes, PostgreSQL, and anyone else's builds), and the load average at a moment.
/// </summary>
public readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0); // idle + iowait
            var total = fields.Take(8).Sum();                          // user nice system idle iowait irq softirq steal
            return new MachineCpu(total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return default;
        }
    }

    /// <summary>The share of all cores busy since <paramref name="before"/>, or NaN where /proc/stat is not there.</summary>
    public double BusySince(MachineCpu before) => Total - before.Total is > 0 and var total ? (double)(Busy - before.Busy) / total : double.NaN;

    /// <summary>The 1-minute load average, or "n/a".</summary>
    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "n/a"; }
    }
}
