using System.Globalization;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

public sealed record VendorFile([property: MapLabel] string Name, int Rows);

public sealed record LoadedFile(string Name, int Rows, int MapIndex);

/// <summary>
/// A map, a reduce, a reduce under all_done, and a map after reduce with its own MaxMapLength. The run parameter
/// <c>files</c> says how many vendor files arrive (3 by default); <c>fail</c> names a file whose load always fails.
/// </summary>
[Pipeline("mapped")]
public sealed partial class Mapped(SideEffects effects)
{
    [PipelineTask]
    public IReadOnlyList<VendorFile> ListVendorFiles(RunContext run)
    {
        effects.Record(run);
        var count = int.Parse(run.Parameters.TryGetValue("files", out var files) ? files : "3", CultureInfo.InvariantCulture);
        return Enumerable.Range(0, count).Select(i => new VendorFile($"file{i}.csv", (i + 1) * 10)).ToList();
    }

    [PipelineTask(Retries = 1, RetryDelay = "00:00:00.200")]
    public async Task<LoadedFile> Load([MapOver(nameof(ListVendorFiles))] VendorFile file, RunContext run)
    {
        await Task.Yield();
        effects.Record(run, file.Name);
        effects.Record(run, "index" + run.MapIndex);
        if (run.Parameters.TryGetValue("fail", out var failing) && failing == file.Name)
            throw new IOException($"{file.Name} is truncated (try {run.TryNumber})");
        return new LoadedFile(file.Name, file.Rows, run.MapIndex!.Value);
    }

    [PipelineTask]
    public string Report([FromTask(nameof(Load))] IReadOnlyList<LoadedFile> loaded, RunContext run)
    {
        effects.Record(run);
        return string.Join(",", loaded.Select(l => $"{l.MapIndex}:{l.Name}"));
    }

    [PipelineTask(Trigger = TriggerRule.AllDone)]
    public int Cleanup([FromTask(nameof(Load))] IReadOnlyList<LoadedFile> loaded, RunContext run)
    {
        effects.Record(run);
        return loaded.Count;
    }

    /// <summary>Map after reduce: the rows of every loaded file, mapped over again.</summary>
    [PipelineTask]
    public int[] Batches([FromTask(nameof(Load))] IReadOnlyList<LoadedFile> loaded) => loaded.Select(l => l.Rows).ToArray();

    [PipelineTask(MaxMapLength = 5)]
    public int Double([MapOver(nameof(Batches))] int rows, RunContext run)
    {
        effects.Record(run, "rows" + rows.ToString(CultureInfo.InvariantCulture));
        return rows * 2;
    }

    [PipelineTask]
    public int Sum([FromTask(nameof(Double))] IReadOnlyList<int> doubled) => doubled.Sum();
}

/// <summary>
/// Two mapped instances a test holds and fails by flags (<c>hold {item}</c>, <c>fail {item}</c>), counting how many tries
/// of each run at once (<c>most running {item}</c>), and an alert under one_failed.
/// </summary>
[Pipeline("mapped_hold")]
public sealed partial class MappedHold(SideEffects effects)
{
    [PipelineTask]
    public int[] Items() => new[] { 0, 1 };

    [PipelineTask]
    public async Task<int> Work([MapOver(nameof(Items))] int item, RunContext run, CancellationToken cancellationToken)
    {
        var running = effects.Flags.AddOrUpdate("running " + item, 1, (_, v) => v + 1);
        effects.Flags.AddOrUpdate("most running " + item, running, (_, v) => Math.Max(v, running));
        try
        {
            effects.Record(run, "item" + item);
            if (effects.Flags.TryGetValue("fail " + item, out var failing) && failing > 0) throw new InvalidOperationException($"item {item} fails");
            for (var i = 0; i < 1500 && effects.Flags.TryGetValue("hold " + item, out var held) && held > 0; i++) await Task.Delay(20, cancellationToken);
            return item;
        }
        finally
        {
            effects.Flags.AddOrUpdate("running " + item, 0, (_, v) => v - 1);
        }
    }

    [PipelineTask(Trigger = TriggerRule.OneFailed)]
    [DependsOn(nameof(Work))]
    public void Alert(RunContext run) => effects.Record(run);
}
