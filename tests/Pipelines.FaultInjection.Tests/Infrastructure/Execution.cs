using System.Text.Json;
using Pipelines.FaultInjection.App;

namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>One execution of a task body as the side-effect file saw it: a start line and, unless its process died, an end line.</summary>
/// <param name="Run">The run id.</param>
/// <param name="Task">The task id.</param>
/// <param name="Try">The try number the runtime gave it.</param>
/// <param name="Pid">The serve process that ran it.</param>
/// <param name="Start">When the body started.</param>
/// <param name="End">When it ended, or null when its process died first.</param>
/// <param name="Outcome">"succeeded", "failed", or null without an end line.</param>
public sealed record Execution(string Run, string Task, int Try, int Pid, DateTime Start, DateTime? End, string? Outcome)
{
    public bool Succeeded => Outcome == "succeeded";

    public override string ToString() =>
        $"try {Try} in pid {Pid} from {FaultClock.Format(Start)} to {(End is { } end ? FaultClock.Format(end) + (Succeeded ? "" : $" ({Outcome})") : "(no end line: its process died, or is still running)")}";

    /// <summary>Reads the side-effect file written by every serve process.</summary>
    public static IReadOnlyList<Execution> ReadAll(string path)
    {
        if (!File.Exists(path)) return [];
        var starts = new Dictionary<string, SideEffect>(StringComparer.Ordinal);
        var ends = new Dictionary<string, SideEffect>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            var effect = JsonSerializer.Deserialize<SideEffect>(line, SideEffect.Json)
                ?? throw new InvalidDataException($"{path}:{number} is not a side-effect line: {line}");
            (effect.Phase == "start" ? starts : ends)[effect.Execution] = effect;
        }
        return starts.Values
            .Select(s => ends.TryGetValue(s.Execution, out var e)
                ? new Execution(s.Run, s.Task, s.Try, s.Pid, s.Start, e.End, e.Outcome)
                : new Execution(s.Run, s.Task, s.Try, s.Pid, s.Start, null, null))
            .OrderBy(e => e.Start)
            .ToList();
    }
}
