using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Hangfire;

/// <summary>How one try ended: an outcome, or an error message.</summary>
internal sealed record TryResult(TaskOutcome? Outcome, string? Error)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static TryResult Succeeded(TaskOutcome outcome) => new(outcome, null);

    public static TryResult Failed(string error) => new(null, error);

    /// <summary>Extra data for the asset events of a successful try (<see cref="RunContext.SetAssetExtra"/>); empty when none.</summary>
    public IReadOnlyDictionary<string, string> AssetExtra { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The exception that failed the try, for its span; not kept in storage.</summary>
    public Exception? Exception { get; init; }

    /// <summary>The result as JSON, to keep in storage until the coordinator has applied it.</summary>
    public string ToJson() => JsonSerializer.Serialize(Outcome is { } o
        ? new Stored { Kind = o.Kind, Output = o.OutputJson, Result = o.Result, Chosen = o.Kind == TaskKind.Branch ? o.ChosenBranches.ToArray() : null, Extra = AssetExtra.Count > 0 ? new Dictionary<string, string>(AssetExtra) : null }
        : new Stored { Error = Error ?? "failed" }, s_json);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static TryResult FromJson(string json)
    {
        var stored = JsonSerializer.Deserialize<Stored>(json, s_json)!;
        if (stored.Error is { } error) return Failed(error);
        var extra = stored.Extra ?? new Dictionary<string, string>();
        return Succeeded(stored.Kind switch
        {
            TaskKind.Condition => TaskOutcome.Condition(stored.Result == true),
            TaskKind.Branch => TaskOutcome.Branch(stored.Chosen ?? Array.Empty<string>()),
            TaskKind.Sensor => TaskOutcome.Sensor(stored.Result == true),
            _ => TaskOutcome.Completed(stored.Output),
        }) with { AssetExtra = extra };
    }

    private sealed class Stored
    {
        public TaskKind Kind { get; set; }
        public string? Output { get; set; }
        public bool? Result { get; set; }
        public string[]? Chosen { get; set; }
        public string? Error { get; set; }
        public Dictionary<string, string>? Extra { get; set; }
    }
}
