namespace Pipelines.Benchmarks.Workloads;

/// <summary>
/// The mapped twin of <see cref="Fan1000"/>: Start returns 1,000 ints, Work runs once per element, Join reduces their
/// results. Same shape and the same trivial bodies, so the two fan-outs differ only in how the 1,000 tasks come to exist
/// (compiled in, or expanded under the run lock when Start ends) and in the outputs the reduce needs.
/// </summary>
[Pipeline("bench_mapped_1000")]
public sealed partial class Mapped1000
{
    /// <summary>The number of elements; at the default <c>MaxMapLength</c> of 1,024, so no override is needed.</summary>
    public const int Width = 1000;

    [PipelineTask]
    public IReadOnlyList<int> Start(RunContext run)
    {
        Probe.Mark(run.RunId, run.TaskId);
        return Enumerable.Range(0, Width).ToArray();
    }

    // Every instance has the task id Work: the map index keeps their probe marks apart.
    [PipelineTask]
    public int Work([MapOver(nameof(Start))] int element, RunContext run)
    {
        Probe.Mark(run.RunId, $"{run.TaskId}[{run.MapIndex}]");
        return element;
    }

    [PipelineTask]
    public void Join([FromTask(nameof(Work))] IReadOnlyList<int> results, RunContext run) => Probe.Mark(run.RunId, run.TaskId);
}
