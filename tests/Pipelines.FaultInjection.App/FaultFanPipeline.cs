namespace Pipelines.FaultInjection.App;

/// <summary>What <see cref="FaultFan.Start"/> hands every fan-out task.</summary>
/// <param name="RunId">The run it was made for, so a task can tell it got its own run's value.</param>
/// <param name="Salt">A number the fan-out tasks fold into their parts.</param>
public sealed record Seed(string RunId, int Salt);

/// <summary>What one fan-out task makes.</summary>
/// <param name="Task">The task that made it.</param>
/// <param name="Value">Its value, derived from the seed.</param>
public sealed record Part(string Task, int Value);

/// <summary>What the join makes of the parts.</summary>
/// <param name="Parts">How many typed parts it received.</param>
/// <param name="Sum">Their sum.</param>
public sealed record Total(int Parts, int Sum);

/// <summary>
/// Start, twelve parallel tasks that each take Start's typed output, a join that takes six of them as typed inputs and
/// waits for the other six by name, a mapped task whose six instances each ship one shard of the join's total, and a
/// publish step after them all. Every task (and instance) sleeps 100-800 ms so servers get killed mid-task, and records
/// each execution in the side-effect file.
/// </summary>
[Pipeline("fault_fan", MaxActiveRuns = 100)]
public sealed partial class FaultFan
{
    [PipelineTask]
    public static async Task<Seed> Start(RunContext run, CancellationToken ct)
    {
        await SideEffectFile.ExecuteAsync(run, ct);
        return new Seed(run.RunId, run.RunId.Length);
    }

    [PipelineTask] public static Task<Part> F01([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 1, ct);
    [PipelineTask] public static Task<Part> F02([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 2, ct);
    [PipelineTask] public static Task<Part> F03([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 3, ct);
    [PipelineTask] public static Task<Part> F04([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 4, ct);
    [PipelineTask] public static Task<Part> F05([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 5, ct);
    [PipelineTask] public static Task<Part> F06([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 6, ct);
    [PipelineTask] public static Task<Part> F07([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 7, ct);
    [PipelineTask] public static Task<Part> F08([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 8, ct);
    [PipelineTask] public static Task<Part> F09([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 9, ct);
    [PipelineTask] public static Task<Part> F10([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 10, ct);
    [PipelineTask] public static Task<Part> F11([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 11, ct);
    [PipelineTask] public static Task<Part> F12([FromTask(nameof(Start))] Seed seed, RunContext run, CancellationToken ct) => Fan(seed, run, 12, ct);

    [PipelineTask, DependsOn(nameof(F07), nameof(F08), nameof(F09), nameof(F10), nameof(F11), nameof(F12))]
    public static async Task<Total> Join(
        [FromTask(nameof(F01))] Part a, [FromTask(nameof(F02))] Part b, [FromTask(nameof(F03))] Part c,
        [FromTask(nameof(F04))] Part d, [FromTask(nameof(F05))] Part e, [FromTask(nameof(F06))] Part f,
        RunContext run, CancellationToken ct)
    {
        await SideEffectFile.ExecuteAsync(run, ct);
        Part[] parts = [a, b, c, d, e, f];
        return new Total(parts.Length, parts.Sum(p => p.Value));
    }

    /// <summary>How many shards <see cref="Ship"/> maps over.</summary>
    public const int ShardCount = 6;

    [PipelineTask]
    public static async Task<int[]> Shards([FromTask(nameof(Join))] Total total, RunContext run, CancellationToken ct)
    {
        await SideEffectFile.ExecuteAsync(run, ct);
        return Enumerable.Range(0, ShardCount).Select(i => total.Sum + i).ToArray();
    }

    [PipelineTask]
    public static async Task<int> Ship([MapOver(nameof(Shards))] int shard, RunContext run, CancellationToken ct)
    {
        await SideEffectFile.ExecuteAsync(run, ct);
        return shard;
    }

    [PipelineTask]
    public static async Task<string> Publish([FromTask(nameof(Join))] Total total, [FromTask(nameof(Ship))] IReadOnlyList<int> shipped, RunContext run, CancellationToken ct)
    {
        if (shipped.Count != ShardCount) throw new InvalidOperationException($"Publish of run {run.RunId} got {shipped.Count} shipped shards, not {ShardCount}.");
        await SideEffectFile.ExecuteAsync(run, ct);
        return $"published {total.Parts} parts, sum {total.Sum}, {shipped.Count} shards";
    }

    private static async Task<Part> Fan(Seed seed, RunContext run, int index, CancellationToken ct)
    {
        if (seed.RunId != run.RunId) throw new InvalidOperationException($"{run.TaskId} of run {run.RunId} got the seed of run {seed.RunId}.");
        await SideEffectFile.ExecuteAsync(run, ct);
        return new Part(run.TaskId, seed.Salt * 100 + index);
    }
}
