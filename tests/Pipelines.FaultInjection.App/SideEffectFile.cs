using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Pipelines.FaultInjection.App;

/// <summary>
/// The observable side effect of every task execution: a JSON line when it starts and one when it ends, appended to the
/// file named by FAULT_SIDE_EFFECTS ("end" also when the work was cancelled, with its outcome). Several `serve` processes append to the same file, so each line goes out in one
/// write(2) on a descriptor opened with O_APPEND: the kernel positions every write at the end, and lines from different
/// processes never interleave. A process killed mid-task leaves a start line without an end line.
/// </summary>
public static class SideEffectFile
{
    /// <summary>The environment variable naming the file; without it nothing is recorded.</summary>
    public const string Variable = "FAULT_SIDE_EFFECTS";

    private static readonly string? s_path = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : null;

    /// <summary>Records the start, works for a random 100-800 ms, records the end.</summary>
    public static async Task ExecuteAsync(RunContext run, CancellationToken ct)
    {
        var execution = Guid.NewGuid().ToString("N");
        var start = DateTime.UtcNow;
        // A mapped task's instance is named as the runtime names it: Ship[3].
        var task = run.MapIndex is { } index ? $"{run.TaskId}[{index}]" : run.TaskId;
        Append(new SideEffect("start", run.PipelineId, run.RunId, task, run.TryNumber, Environment.ProcessId, execution, start, null, null));
        var outcome = "failed";
        try
        {
            await Task.Delay(Random.Shared.Next(100, 801), ct);
            outcome = "succeeded";
        }
        finally
        {
            Append(new SideEffect("end", run.PipelineId, run.RunId, task, run.TryNumber, Environment.ProcessId, execution, start, DateTime.UtcNow, outcome));
        }
    }

    private static void Append(SideEffect effect)
    {
        if (s_path is null) return;
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(effect, SideEffect.Json) + "\n");
        if (!OperatingSystem.IsLinux())
        {
            // Best effort elsewhere; the suite runs on Linux.
            using var stream = new FileStream(s_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(line);
            return;
        }
        var fd = Native.open(s_path, Native.O_WRONLY | Native.O_CREAT | Native.O_APPEND | Native.O_CLOEXEC, 0x1A4 /* 0644 */);
        if (fd < 0) throw new IOException($"cannot open {s_path}: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            var written = Native.write(fd, line, line.Length);
            if (written != line.Length) throw new IOException($"wrote {written} of {line.Length} bytes to {s_path}: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static class Native
    {
        public const int O_WRONLY = 0x1, O_CREAT = 0x40, O_APPEND = 0x400, O_CLOEXEC = 0x80000;

        [DllImport("libc", SetLastError = true)]
#pragma warning disable CA2101, SYSLIB1054 // plain UTF-8 path, no source-generated marshalling needed for three calls
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
#pragma warning restore CA2101, SYSLIB1054

        [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054
        public static extern nint write(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
#pragma warning restore SYSLIB1054
    }
}

/// <summary>One line of the side-effect file.</summary>
/// <param name="Phase">"start" or "end".</param>
/// <param name="Pipeline">The pipeline id.</param>
/// <param name="Run">The run id.</param>
/// <param name="Task">The task id, or a mapped task's instance id (<c>Ship[3]</c>).</param>
/// <param name="Try">The try number the runtime gave the execution.</param>
/// <param name="Pid">The process that executed it.</param>
/// <param name="Execution">Pairs an execution's start and end lines.</param>
/// <param name="Start">When the execution started (UTC).</param>
/// <param name="End">When it ended (UTC), on end lines.</param>
/// <param name="Outcome">On end lines, "succeeded" or "failed" (cancelled).</param>
public sealed record SideEffect(string Phase, string Pipeline, string Run, string Task, int Try, int Pid, string Execution, DateTime Start, DateTime? End, string? Outcome)
{
    /// <summary>camelCase, round-trip timestamps (System.Text.Json writes DateTime in ISO 8601 with 7 fractional digits).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
