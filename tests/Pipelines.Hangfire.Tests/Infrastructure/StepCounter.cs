using System.Diagnostics.Metrics;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Counts the coordinator steps of one pipeline as the runtime's meter reports them (<see cref="PipelinesTelemetry.StepDuration"/>:
/// one measurement per committed step), from its creation until it is disposed.
/// </summary>
internal sealed class StepCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private int _count;

    public StepCounter(string pipelineId)
    {
        _listener.InstrumentPublished = (instrument, l) => { if (instrument == PipelinesTelemetry.StepDuration) l.EnableMeasurementEvents(instrument); };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == PipelinesTelemetry.PipelineName && Equals(tag.Value, pipelineId)) Interlocked.Increment(ref _count);
        });
        _listener.Start();
    }

    /// <summary>The steps counted so far.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
