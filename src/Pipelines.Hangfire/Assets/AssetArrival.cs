namespace Pipelines.Hangfire;

/// <summary>One asset of a pipeline's <c>@assets(...)</c> condition in one partition, as <see cref="AssetReadiness"/> found it.</summary>
/// <param name="Asset">The asset name.</param>
/// <param name="Latest">The newest event of the asset for the partition, or null when none has arrived.</param>
/// <param name="IsNew">Whether <paramref name="Latest"/> is newer than the event the pipeline last ran for in the partition (false when nothing arrived).</param>
public sealed record AssetArrival(string Asset, AssetEvent? Latest, bool IsNew)
{
    /// <summary>Whether an event of the asset has arrived for the partition.</summary>
    public bool HasArrived => Latest is not null;
}
