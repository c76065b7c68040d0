using System.Diagnostics.Metrics;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Counts what the runtime's meter reports for one pipeline, from its creation until it is disposed: its coordinator steps
/// (<see cref="Steps"/>) or the task instances it reports finished in one state (<see cref="FinishedTasks"/>).
/// </summary>
internal sealed class MeasurementCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    private MeasurementCounter(Instrument counted, string pipelineId, string? taskState)
    {
        _listener.InstrumentPublished = (instrument, l) => { if (instrument == counted) l.EnableMeasurementEvents(instrument); };
        // A histogram's measurement counts one (a step); a counter's adds its value (tasks finished).
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => { if (Matches(tags)) Interlocked.Increment(ref _count); });
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => { if (Matches(tags)) Interlocked.Add(ref _count, value); });
        _listener.Start();

        bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var pipeline = false;
            var state = taskState is null;
            foreach (var tag in tags)
            {
                pipeline |= tag.Key == PipelinesTelemetry.PipelineName && Equals(tag.Value, pipelineId);
                state |= tag.Key == PipelinesTelemetry.TaskState && Equals(tag.Value, taskState);
            }
            return pipeline && state;
        }
    }

    /// <summary>Counts the committed coordinator steps of <paramref name="pipelineId"/> (<see cref="PipelinesTelemetry.StepDuration"/>: one measurement per step).</summary>
    public static MeasurementCounter Steps(string pipelineId) => new(PipelinesTelemetry.StepDuration, pipelineId, null);

    /// <summary>Counts the task instances of <paramref name="pipelineId"/> reported finished in <paramref name="state"/> (<see cref="PipelinesTelemetry.TaskFinished"/>).</summary>
    public static MeasurementCounter FinishedTasks(string pipelineId, TaskState state) => new(PipelinesTelemetry.TaskFinished, pipelineId, state.Name());

    /// <summary>What was counted so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
