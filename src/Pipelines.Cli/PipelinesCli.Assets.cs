using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
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
        var producers = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var consumers = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pipeline in context.Pipelines.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            foreach (var task in pipeline.Tasks)
                foreach (var asset in task.Produces) Add(producers, asset, $"{pipeline.Id}.{task.Id}");
            foreach (var asset in PipelineSchedule.Parse(pipeline.Schedule).AssetNames) Add(consumers, asset, pipeline.Id);
        }
        var names = producers.Keys.Union(consumers.Keys).OrderBy(n => n, StringComparer.Ordinal).ToList();

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
                producers = producers.GetValueOrDefault(n)?.ToArray() ?? [],
                consumers = consumers.GetValueOrDefault(n)?.ToArray() ?? [],
                external = !producers.ContainsKey(n),
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
                Markup.Escape(producers.TryGetValue(name, out var p) ? string.Join(", ", p) : "(external)"),
                Markup.Escape(consumers.TryGetValue(name, out var c) ? string.Join(", ", c) : ""),
                latest.TryGetValue(name, out var e) ? Markup.Escape($"{e.Partition.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)} at {e.At}") : "");
        }
        context.Console.Write(table);
        return 0;

        static void Add(SortedDictionary<string, List<string>> map, string key, string value)
        {
            if (!map.TryGetValue(key, out var list)) map[key] = list = new List<string>();
            list.Add(value);
        }
    }
}
