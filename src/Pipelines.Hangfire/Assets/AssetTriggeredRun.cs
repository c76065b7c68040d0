namespace Pipelines.Hangfire;

/// <summary>A run an asset event started.</summary>
/// <param name="PipelineId">The consumer pipeline.</param>
/// <param name="RunId">The run, whose logical date is the event's partition.</param>
public sealed record AssetTriggeredRun(string PipelineId, string RunId);
