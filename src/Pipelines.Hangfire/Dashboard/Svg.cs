using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>Server-rendered SVG: the layered DAG, the Gantt chart and simple charts. No script, no CDN.</summary>
internal static class Svg
{
    private static readonly string[] s_palette = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => HtmlText.Encode(text);

    /// <summary>The DAG in layers: each task one column right of its deepest upstream task, coloured by state, linked to its instance.</summary>
    /// <remarks>
    /// A mapped task is drawn once, stacked, with its instance count in its label and its instances' states in its
    /// tooltip (<paramref name="instances"/>, from the run shown).
    /// </remarks>
    public static string Graph(PipelineDefinition pipeline, Func<TaskDefinition, TaskState> state, Func<TaskDefinition, string?> link, Func<TaskDefinition, IReadOnlyCollection<TaskInstance>?>? instances = null)
    {
        const int width = 190, height = 36, columnGap = 70, rowGap = 18, margin = 16;
        var layer = new int[pipeline.Tasks.Length];
        var row = new int[pipeline.Tasks.Length];
        var rowsInLayer = new Dictionary<int, int>();
        foreach (var task in pipeline.Tasks)
        {
            layer[task.Index] = task.Upstream.IsEmpty ? 0 : task.Upstream.Max(u => layer[u]) + 1;
            rowsInLayer.TryGetValue(layer[task.Index], out var r);
            row[task.Index] = r;
            rowsInLayer[layer[task.Index]] = r + 1;
        }
        var columns = rowsInLayer.Count;
        var rows = rowsInLayer.Values.DefaultIfEmpty(1).Max();
        double X(int i) => margin + layer[i] * (width + columnGap);
        double Y(int i) => margin + row[i] * (height + rowGap);
        var svgWidth = margin * 2 + columns * width + (columns - 1) * columnGap;
        var svgHeight = margin * 2 + rows * height + (rows - 1) * rowGap;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pipelines-graph\" width=\"{svgWidth}\" height=\"{svgHeight}\" viewBox=\"0 0 {svgWidth} {svgHeight}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#888\"/></marker></defs>");
        foreach (var task in pipeline.Tasks)
        {
            foreach (var up in task.Upstream)
            {
                var (x1, y1) = (X(up) + width, Y(up) + height / 2.0);
                var (x2, y2) = (X(task.Index), Y(task.Index) + height / 2.0);
                var mid = (x1 + x2) / 2;
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"pipelines-edge\" data-from=\"{E(pipeline.Tasks[up].Id)}\" data-to=\"{E(task.Id)}\" d=\"M {F(x1)} {F(y1)} C {F(mid)} {F(y1)}, {F(mid)} {F(y2)}, {F(x2)} {F(y2)}\" fill=\"none\" stroke=\"#888\" marker-end=\"url(#arrow)\"/>");
            }
        }
        foreach (var task in pipeline.Tasks)
        {
            var s = state(task);
            var href = link(task);
            if (href is not null) svg.Append($"<a href=\"{href}\">");
            var shape = task.Kind switch { TaskKind.Condition => "rx=\"18\"", TaskKind.Branch => "rx=\"10\"", TaskKind.Sensor => "rx=\"4\" stroke-dasharray=\"4 2\"", _ => "rx=\"4\"" };
            var mapped = task.MapOver is not null ? instances?.Invoke(task) ?? Array.Empty<TaskInstance>() : null;
            var mapAttribute = mapped is null ? "" : $" data-mapped=\"true\" data-map-count=\"{mapped.Count}\"";
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"pipelines-node\" data-task=\"{E(task.Id)}\" data-state=\"{s.Name()}\" data-kind=\"{task.Kind.ToString().ToLowerInvariant()}\"{mapAttribute}>");
            svg.Append(CultureInfo.InvariantCulture, $"<title>{E(task.Id)}: {s.Name()}{(mapped is null ? "" : "; mapped, " + E(MapSummary.Describe(mapped)))}</title>");
            if (mapped is not null)
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(X(task.Index) + 4)}\" y=\"{F(Y(task.Index) - 4)}\" width=\"{width}\" height=\"{height}\" rx=\"4\" fill=\"{StateColors.For(s)}\" stroke=\"#444\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(X(task.Index))}\" y=\"{F(Y(task.Index))}\" width=\"{width}\" height=\"{height}\" {shape} fill=\"{StateColors.For(s)}\" stroke=\"#444\"/>");
            var label = task.Id.Length > 26 ? task.Id[..25] + "…" : task.Id;
            if (mapped is not null) label += $" [{mapped.Count.ToString(CultureInfo.InvariantCulture)}]";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(task.Index) + width / 2.0)}\" y=\"{F(Y(task.Index) + height / 2.0 + 4)}\" text-anchor=\"middle\" fill=\"{StateColors.Text(s)}\">{E(label)}</text></g>");
            if (href is not null) svg.Append("</a>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// The lineage across pipelines: pipelines (boxes) and assets (pills) as nodes, an edge from each producing pipeline
    /// to its asset and from each asset to the pipelines scheduled on it, in layers left to right (Kahn's order; a cycle,
    /// which the compiler refuses as PIPE053, is drawn in the last layer rather than looping).
    /// </summary>
    public static string Lineage(IReadOnlyList<AssetLineage> assets, Func<string, string> pipelineLink, Func<string, string> assetLink)
    {
        const int width = 180, height = 32, columnGap = 60, rowGap = 16, margin = 16;
        var nodes = new List<(string Key, string Label, bool IsAsset)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int Node(string key, string label, bool isAsset)
        {
            if (index.TryGetValue(key, out var i)) return i;
            index[key] = nodes.Count;
            nodes.Add((key, label, isAsset));
            return nodes.Count - 1;
        }
        var edges = new List<(int From, int To)>();
        foreach (var asset in assets)
        {
            var a = Node("asset:" + asset.Asset, asset.Asset, true);
            foreach (var producer in asset.Producers.Select(p => p.PipelineId).Distinct(StringComparer.Ordinal))
                edges.Add((Node("pipeline:" + producer, producer, false), a));
            foreach (var consumer in asset.Consumers)
                edges.Add((a, Node("pipeline:" + consumer, consumer, false)));
        }

        var layer = new int[nodes.Count];
        var indegree = new int[nodes.Count];
        var outgoing = nodes.Select(_ => new List<int>()).ToArray();
        var hasIncoming = new bool[nodes.Count];
        foreach (var (from, to) in edges)
        {
            outgoing[from].Add(to);
            indegree[to]++;
            hasIncoming[to] = true;
        }
        var ready = new Queue<int>(Enumerable.Range(0, nodes.Count).Where(n => indegree[n] == 0));
        var placed = new bool[nodes.Count];
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            placed[n] = true;
            foreach (var next in outgoing[n])
            {
                layer[next] = Math.Max(layer[next], layer[n] + 1);
                if (--indegree[next] == 0) ready.Enqueue(next);
            }
        }
        var last = nodes.Count == 0 ? 0 : layer.Max() + 1;
        for (var n = 0; n < nodes.Count; n++)
            if (!placed[n]) layer[n] = last;
        // A source (an external asset, a producer nothing starts) stands just left of what it leads to: at layer 0 its
        // edge would cross the columns between and read as passing through the nodes there.
        for (var n = 0; n < nodes.Count; n++)
            if (!hasIncoming[n] && outgoing[n].Count > 0) layer[n] = Math.Max(layer[n], outgoing[n].Min(next => layer[next]) - 1);

        var row = new int[nodes.Count];
        var rowsInLayer = new Dictionary<int, int>();
        foreach (var n in Enumerable.Range(0, nodes.Count).OrderBy(n => layer[n]).ThenBy(n => nodes[n].Label, StringComparer.Ordinal))
        {
            rowsInLayer.TryGetValue(layer[n], out var r);
            row[n] = r;
            rowsInLayer[layer[n]] = r + 1;
        }
        var columns = rowsInLayer.Count == 0 ? 1 : rowsInLayer.Keys.Max() + 1;
        var rows = rowsInLayer.Values.DefaultIfEmpty(1).Max();
        double X(int n) => margin + layer[n] * (width + columnGap);
        double Y(int n) => margin + row[n] * (height + rowGap);
        var svgWidth = margin * 2 + columns * width + (columns - 1) * columnGap;
        var svgHeight = margin * 2 + rows * height + (rows - 1) * rowGap;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pipelines-lineage\" width=\"{svgWidth}\" height=\"{svgHeight}\" viewBox=\"0 0 {svgWidth} {svgHeight}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append("<defs><marker id=\"lineage-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#888\"/></marker></defs>");
        foreach (var (from, to) in edges)
        {
            var (x1, y1) = (X(from) + width, Y(from) + height / 2.0);
            var (x2, y2) = (X(to), Y(to) + height / 2.0);
            var mid = (x1 + x2) / 2;
            var kind = nodes[from].IsAsset ? "consumes" : "produces";
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"pipelines-lineage-edge\" data-from=\"{E(nodes[from].Key)}\" data-to=\"{E(nodes[to].Key)}\" data-kind=\"{kind}\" d=\"M {F(x1)} {F(y1)} C {F(mid)} {F(y1)}, {F(mid)} {F(y2)}, {F(x2)} {F(y2)}\" fill=\"none\" stroke=\"#888\" marker-end=\"url(#lineage-arrow)\"/>");
        }
        for (var n = 0; n < nodes.Count; n++)
        {
            var (key, label, isAsset) = nodes[n];
            svg.Append(CultureInfo.InvariantCulture, $"<a href=\"{(isAsset ? assetLink(label) : pipelineLink(label))}\"><g class=\"pipelines-lineage-node\" data-node=\"{E(key)}\" data-kind=\"{(isAsset ? "asset" : "pipeline")}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<title>{(isAsset ? "asset" : "pipeline")} {E(label)}</title>");
            svg.Append(isAsset
                ? $"<rect x=\"{F(X(n))}\" y=\"{F(Y(n))}\" width=\"{width}\" height=\"{height}\" rx=\"16\" fill=\"#fcf8e3\" stroke=\"#c09853\"/>"
                : $"<rect x=\"{F(X(n))}\" y=\"{F(Y(n))}\" width=\"{width}\" height=\"{height}\" rx=\"3\" fill=\"#d9edf7\" stroke=\"#31708f\"/>");
            var text = label.Length > 24 ? label[..23] + "…" : label;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(n) + width / 2.0)}\" y=\"{F(Y(n) + height / 2.0 + 4)}\" text-anchor=\"middle\" fill=\"#222\"{(isAsset ? " font-style=\"italic\"" : "")}>{E(text)}</text></g></a>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A Gantt chart of one run: a bar per task from its start to its end.</summary>
    public static string Gantt(PipelineRun run, Func<TaskInstance, string> link, NodaTime.Instant now)
    {
        const int labelWidth = 200, chartWidth = 700, barHeight = 18, gap = 6, margin = 10;
        var started = run.Tasks.Where(t => t.Start is not null).ToList();
        var origin = started.Count == 0 ? run.CreatedAt : started.Min(t => t.Start!.Value);
        var finish = run.Tasks.Select(t => t.End ?? (t.Start is null ? origin : now)).DefaultIfEmpty(origin).Max();
        var total = Math.Max(0.001, (finish - origin).TotalSeconds);
        var height = margin * 2 + run.Tasks.Length * (barHeight + gap) + 20;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pipelines-gantt\" width=\"{labelWidth + chartWidth + margin * 2}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        for (var i = 0; i < run.Tasks.Length; i++)
        {
            var task = run.Tasks[i];
            var y = margin + i * (barHeight + gap);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{margin}\" y=\"{y + 13}\">{E(task.TaskId)}</text>");
            if (task.Start is not { } start) continue;
            var end = task.End ?? now;
            var x = labelWidth + (start - origin).TotalSeconds / total * chartWidth;
            var w = Math.Max(2, (end - start).TotalSeconds / total * chartWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<a href=\"{link(task)}\"><rect class=\"pipelines-bar\" data-task=\"{E(task.TaskId)}\" data-state=\"{task.State.Name()}\" x=\"{F(x)}\" y=\"{y}\" width=\"{F(w)}\" height=\"{barHeight}\" fill=\"{StateColors.For(task.State)}\"><title>{E(task.TaskId)}: {task.State.Name()}, {F((end - start).TotalSeconds)} s</title></rect></a>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth}\" y=\"{height - 6}\" fill=\"#666\">0 s</text><text x=\"{labelWidth + chartWidth}\" y=\"{height - 6}\" text-anchor=\"end\" fill=\"#666\">{F(total)} s</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Lines over runs (oldest left): one series per name, null where there is no value.</summary>
    public static string Lines(string cssClass, string unit, IReadOnlyList<string> xLabels, IReadOnlyList<(string Name, double?[] Values)> series)
    {
        const int width = 760, height = 220, left = 50, bottom = 30, top = 10;
        var max = series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(1).Max();
        if (max <= 0) max = 1;
        var n = Math.Max(1, xLabels.Count - 1);
        double X(int i) => left + i * (width - left - 10.0) / n;
        double Y(double v) => top + (height - top - bottom) * (1 - v / max);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{cssClass}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#999\"/><line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 10}\" y2=\"{height - bottom}\" stroke=\"#999\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{top + 10}\" fill=\"#666\">{max.ToString(max < 10 ? "G3" : "0", CultureInfo.InvariantCulture)} {E(unit)}</text><text x=\"4\" y=\"{height - bottom}\" fill=\"#666\">0</text>");
        if (xLabels.Count > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 8}\" fill=\"#666\">{E(xLabels[0])}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 10}\" y=\"{height - 8}\" text-anchor=\"end\" fill=\"#666\">{E(xLabels[^1])}</text>");
        }
        for (var s = 0; s < series.Count; s++)
        {
            var (name, values) = series[s];
            var points = values.Select((v, i) => v is { } value ? $"{F(X(i))},{F(Y(value))}" : null).Where(p => p is not null).ToList();
            if (points.Count == 0) continue;
            var color = s_palette[s % s_palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"pipelines-series\" data-series=\"{E(name)}\" points=\"{string.Join(" ", points)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"><title>{E(name)}</title></polyline>");
            // Dots mark the runs while there are few enough to tell apart; over many runs the line alone reads better.
            if (points.Count <= 60)
                foreach (var p in points) svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{p!.Split(',')[0]}\" cy=\"{p.Split(',')[1]}\" r=\"2.5\" fill=\"{color}\"/>");
        }
        svg.Append("</svg>");
        if (series.Count > 1)
        {
            // Which colour is which series (the line's tooltip says it too).
            svg.Append("<div class=\"pipelines-series-legend\" style=\"max-width:760px;font-size:11px;margin:4px 0 12px\">");
            for (var s = 0; s < series.Count; s++)
                svg.Append(CultureInfo.InvariantCulture, $"<span style=\"white-space:nowrap;margin-right:10px\"><span style=\"display:inline-block;width:10px;height:10px;background:{s_palette[s % s_palette.Length]};margin-right:3px\"></span>{E(series[s].Name)}</span> ");
            svg.Append("</div>");
        }
        return svg.ToString();
    }
}
