using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>What <see cref="PipelineOperations.PostAssetEvent"/> did: the event recorded and the runs it started.</summary>
public sealed record PostedAssetEvent(AssetEvent Event, IReadOnlyList<AssetTriggeredRun> StartedRuns);
