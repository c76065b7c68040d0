using System.Diagnostics.Metrics;
using Pipelines.Hangfire;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// Listens to the runtime's meter (<see cref="PipelinesTelemetry.Name"/>) in this process, as an operator's
/// OpenTelemetry exporter would: <c>pipelines.coordinator.step.duration</c> (one step, its lock wait included) for one
/// pipeline, and <c>pipelines.lock.held</c> / <c>pipelines.lock.wait</c> of run locks. No timer is added to the runtime.
/// </summary>
public sealed class CoordinatorTelemetry : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly string _pipelineId;
    private List<double> _steps = new(), _held = new(), _wait = new();

    public CoordinatorTelemetry(string pipelineId)
    {
        _pipelineId = pipelineId;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PipelinesTelemetry.Name
                && instrument.Name is "pipelines.coordinator.step.duration" or "pipelines.lock.held" or "pipelines.lock.wait")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Takes what was recorded so far and starts afresh.</summary>
    public CoordinationFigures Take()
    {
        lock (_gate)
        {
            var figures = new CoordinationFigures(_steps.ToArray(), _held.ToArray(), _wait.ToArray());
            (_steps, _held, _wait) = (new(), new(), new());
            return figures;
        }
    }

    private void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? pipeline = null, kind = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "cicd.pipeline.name") pipeline = tag.Value as string;
            else if (tag.Key == "pipelines.lock.kind") kind = tag.Value as string;
        }
        var ms = seconds * 1000;
        lock (_gate)
        {
            switch (instrument.Name)
            {
                case "pipelines.coordinator.step.duration" when pipeline == _pipelineId: _steps.Add(ms); break;
                case "pipelines.lock.held" when kind == "run": _held.Add(ms); break;
                case "pipelines.lock.wait" when kind == "run": _wait.Add(ms); break;
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
