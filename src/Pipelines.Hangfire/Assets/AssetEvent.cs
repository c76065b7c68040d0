using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// One time an asset landed for a partition: recorded when a <c>[Produces]</c> task succeeds (with the run's logical date
/// as the partition) or posted from outside (<see cref="PipelineOperations.PostAssetEvent"/>). Pipelines scheduled on the
/// asset start from these.
/// </summary>
/// <param name="Id">Unique per event; a re-run producer records a new one.</param>
/// <param name="Asset">The asset name, such as <c>prices.daily</c>.</param>
/// <param name="Partition">The logical date the data is for; a run started by the event gets it as its logical date.</param>
/// <param name="At">When the event was recorded.</param>
/// <param name="Extra">What the producer said about the data (<see cref="RunContext.SetAssetExtra"/>): a row count, a file path.</param>
public sealed record AssetEvent(string Id, string Asset, LocalDate Partition, Instant At, IReadOnlyDictionary<string, string> Extra)
{
    /// <summary>The producing pipeline, or null for an event posted from outside.</summary>
    public string? PipelineId { get; init; }

    /// <summary>The producing run, or null for an event posted from outside.</summary>
    public string? RunId { get; init; }

    /// <summary>The producing task, or null for an event posted from outside.</summary>
    public string? TaskId { get; init; }

    /// <summary>Whether the event was posted from outside the application's pipelines.</summary>
    public bool IsExternal => PipelineId is null;
}
