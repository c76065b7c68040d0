using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NodaTime;
using NodaTime.Text;
using Pipelines.Hangfire;
using Pipelines.Schedules;
using Spectre.Console;

namespace Pipelines.Cli;

/// <summary>The asset verbs: <c>asset-event</c> posts an external event, <c>assets</c> lists the lineage and latest events.</summary>
public static partial class PipelinesCli
{
    private static async Task<int> PostAssetEvent(CliContext context, StorageSpec storage, string? server, string asset, string partitionText, string[]? extra, bool json, CancellationToken cancellationToken)
    {
        var parsed = LocalDatePattern.Iso.Parse(partitionText);
        if (!parsed.Success) throw new CliException($"--partition '{partitionText}' is not a date: write it as yyyy-MM-dd.");
        // An event kept in this process's own memory would start nothing anywhere else and end with it.
        RequireSharedState(storage, server, "asset-event");
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        PostedAssetEvent posted;
        try
        {
            posted = await operations.PostAssetEventAsync(asset, parsed.Value, CliContext.Parameters(extra)).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
        if (json)
        {
            context.WriteJson(new { @event = AssetEventJson(posted.Event), started = posted.StartedRuns.Select(r => new { pipeline = r.PipelineId, run = r.RunId }).ToArray() });
            return 0;
        }
        context.Output.WriteLine($"Recorded {posted.Event.Asset} for {partitionText} (event {posted.Event.Id}).");
        context.Output.WriteLine(posted.StartedRuns.Count == 0
            ? "It started no run: no pipeline scheduled on it has its condition met by new events for that partition."
            : "Started " + string.Join(", ", posted.StartedRuns.Select(r => $"{r.PipelineId} {r.RunId}")) + ".");
        return 0;
    }

    private static async Task<int> Assets(CliContext context, StorageSpec storage, string? server, bool json, CancellationToken cancellationToken)
    {
        var lineage = AssetLineage.Of(context.Pipelines).ToDictionary(a => a.Asset, StringComparer.Ordinal);
        var names = lineage.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();

        // Latest events need shared state; without it the lineage alone is listed.
        var latest = new Dictionary<string, AssetEvent>(StringComparer.Ordinal);
        if (!storage.IsInMemory || server is not null)
        {
            await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
            foreach (var name in names)
                if ((await operations.AssetEventsAsync(name, 1).ConfigureAwait(false)).FirstOrDefault() is { } newest) latest[name] = newest;
        }

        if (json)
        {
            context.WriteJson(names.Select(n => new
            {
                asset = n,
                producers = lineage[n].Producers.Select(p => $"{p.PipelineId}.{p.TaskId}").ToArray(),
                consumers = lineage[n].Consumers.ToArray(),
                external = lineage[n].IsExternal,
                latest = latest.TryGetValue(n, out var e) ? AssetEventJson(e) : null,
            }).ToList());
            return 0;
        }
        if (names.Count == 0)
        {
            context.Output.WriteLine("No assets: mark a task with [Produces(\"name\")] and schedule a pipeline on it with Schedule = \"@assets(name)\".");
            return 0;
        }
        var table = new Table().AddColumns("Asset", "Produced by", "Consumed by", "Latest event");
        foreach (var name in names)
        {
            table.AddRow(Markup.Escape(name),
                Markup.Escape(lineage[name].IsExternal ? "(external)" : string.Join(", ", lineage[name].Producers.Select(p => $"{p.PipelineId}.{p.TaskId}"))),
                Markup.Escape(string.Join(", ", lineage[name].Consumers)),
                latest.TryGetValue(name, out var e) ? Markup.Escape($"{e.Partition.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)} at {e.At}") : "");
        }
        context.Console.Write(table);
        return 0;
    }

    /// <summary>
    /// <c>why &lt;pipeline&gt;</c> without a run: what an asset-scheduled pipeline waits for in a partition and what has
    /// arrived, from the same <see cref="AssetReadiness"/> the trigger starts runs by.
    /// </summary>
    private static async Task<int> WhyAssets(CliContext context, StorageSpec storage, string? server, string pipelineId, string? partitionText, bool json, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        if (!PipelineSchedule.Parse(pipeline.Schedule).IsAssetScheduled)
            throw new CliException($"pipeline '{pipeline.Id}' is not scheduled on assets, so only a task of a run can be asked about: why {pipeline.Id} <run> <task> ('runs {pipeline.Id}' lists the runs).");
        LocalDate? partition = null;
        if (partitionText is not null)
        {
            var parsed = LocalDatePattern.Iso.Parse(partitionText);
            if (!parsed.Success) throw new CliException($"--partition '{partitionText}' is not a date: write it as yyyy-MM-dd.");
            partition = parsed.Value;
        }
        RequireSharedState(storage, server, "why");
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        var readiness = await operations.ExplainAssetsAsync(pipeline.Id, partition).ConfigureAwait(false);
        if (json)
        {
            context.WriteJson(new
            {
                pipeline = readiness.PipelineId,
                condition = readiness.Condition,
                partition = readiness.Partition.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                met = readiness.Met,
                startsRun = readiness.StartsRun,
                sentence = readiness.Sentence,
                assets = readiness.Assets.Select(a => new { asset = a.Asset, arrived = a.HasArrived, isNew = a.IsNew, latest = a.Latest is { } e ? AssetEventJson(e) : null }).ToArray(),
            });
            return 0;
        }
        context.Output.WriteLine($"{(readiness.Met ? "met    " : "NOT MET")}  {readiness.Name}: {readiness.Sentence}");
        var width = readiness.Assets.Max(a => a.Asset.Length);
        foreach (var asset in readiness.Assets)
            context.Output.WriteLine($"         {asset.Asset.PadRight(width)}  {Source(asset)}");
        return 0;

        static string Source(AssetArrival asset) => asset.Latest switch
        {
            null => "not arrived",
            { IsExternal: true } e => $"event {e.Id}, posted from outside{Extra(e)}",
            { } e => $"event {e.Id} from {e.PipelineId}.{e.TaskId} in run {e.RunId}{Extra(e)}",
        };

        static string Extra(AssetEvent e) => e.Extra.Count == 0 ? "" : "; " + string.Join(", ", e.Extra.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}={x.Value}"));
    }
}
