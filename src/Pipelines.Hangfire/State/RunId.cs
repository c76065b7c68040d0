using System;
using System.Diagnostics.CodeAnalysis;
using NodaTime;
using NodaTime.Text;

namespace Pipelines.Hangfire;

/// <summary>
/// A run's id, unique within its pipeline: how the run came to be and a key, written <c>kind__key</c>
/// (<c>scheduled__2024-03-08T16:00-05:00</c>, <c>manual__2024-03-08__18e1f0c2a3b7f1</c>, <c>backfill__2024-03-08</c>). The key
/// makes the id unique and readable; it is never parsed back for the run's logical date, which the run's record keeps.
/// </summary>
/// <example><code>
/// var id = RunId.Parse("backfill__2024-03-08");   // id.Kind == RunKind.Backfill
/// </code></example>
public readonly record struct RunId
{
    private const string Separator = "__";
    private static readonly OffsetDateTimePattern s_scheduledAt = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mmo<m>");

    private RunId(RunKind kind, string value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>How the run came to be.</summary>
    public RunKind Kind { get; }

    private readonly string? _value;

    /// <summary>The id as stored and shown.</summary>
    public string Value => _value ?? "";

    /// <summary>A manual run's id: unique however many runs are triggered for the same date.</summary>
    public static RunId Manual(LocalDate logicalDate, Instant now) =>
        Of(RunKind.Manual, $"{PipelineStore.Format(logicalDate)}{Separator}{now.ToUnixTimeMilliseconds():x}{Guid.NewGuid().ToString("N")[..4]}");

    /// <summary>A backfill run's id: one per date, so backfilling a date again finds the run it made.</summary>
    public static RunId Backfill(LocalDate logicalDate) => Of(RunKind.Backfill, PipelineStore.Format(logicalDate));

    /// <summary>
    /// An asset-triggered run's id: the partition and a key of the asset events that started it, so the same events
    /// always name the same run (a retried trigger finds the run it made) and new events name a new one.
    /// </summary>
    public static RunId Asset(LocalDate partition, string eventsKey) => Of(RunKind.Asset, $"{PipelineStore.Format(partition)}{Separator}{eventsKey}");

    /// <summary>A scheduled run's id by its logical date.</summary>
    public static RunId Scheduled(LocalDate logicalDate) => Of(RunKind.Scheduled, PipelineStore.Format(logicalDate));

    /// <summary>A scheduled run's id by the moment its schedule fired, in the pipeline's zone (several runs a day stay apart).</summary>
    public static RunId ScheduledAt(OffsetDateTime at) => Of(RunKind.Scheduled, s_scheduledAt.Format(at));

    /// <summary>A new id of the given kind: what <see cref="PipelineOperations.Trigger"/> gives a run it names itself.</summary>
    public static RunId For(RunKind kind, LocalDate logicalDate, Instant now) => kind switch
    {
        RunKind.Manual => Manual(logicalDate, now),
        RunKind.Backfill => Backfill(logicalDate),
        _ => Scheduled(logicalDate),
    };

    /// <summary>Reads an id written by <see cref="ToString"/>; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out RunId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text)) return false;
        var separator = text.IndexOf(Separator, StringComparison.Ordinal);
        if (separator <= 0 || separator + Separator.Length == text.Length) return false;
        foreach (var c in text) if (char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        RunKind? kind = text.AsSpan(0, separator) switch
        {
            "scheduled" => RunKind.Scheduled,
            "manual" => RunKind.Manual,
            "backfill" => RunKind.Backfill,
            "asset" => RunKind.Asset,
            _ => null,
        };
        if (kind is null) return false;
        id = new RunId(kind.Value, text);
        return true;
    }

    /// <summary>Reads an id written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not a run id.</exception>
    public static RunId Parse(string text) => TryParse(text, out var id)
        ? id
        : throw new FormatException($"'{text}' is not a run id: run ids are the run's kind (scheduled, manual or backfill), '__', and a key, such as backfill__2024-03-08.");

    /// <inheritdoc />
    public override string ToString() => Value;

    private static RunId Of(RunKind kind, string key) => new(kind, Prefix(kind) + Separator + key);

    private static string Prefix(RunKind kind) => kind switch
    {
        RunKind.Manual => "manual",
        RunKind.Backfill => "backfill",
        RunKind.Asset => "asset",
        _ => "scheduled",
    };
}
