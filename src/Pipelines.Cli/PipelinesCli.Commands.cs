using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Pipelines.Calendars;
using Pipelines.Hangfire;
using Pipelines.Schedules;
using Spectre.Console;

namespace Pipelines.Cli;

public static partial class PipelinesCli
{
    // ---- serve ----------------------------------------------------------------------------------------------

    private static async Task<int> Serve(CliContext context, StorageSpec storage, int port, CancellationToken cancellationToken)
    {
        storage.EnsureReachable();
        if (port is < 1 or > 65535) throw new CliException($"--port {port} is not a port number (1-65535).");
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
        }
        catch (SocketException)
        {
            throw new CliException($"port {port} on 127.0.0.1 is already in use; stop what uses it or pass --port to choose another.", exitCode: 3);
        }

        var builder = WebApplication.CreateBuilder(Array.Empty<string>());
        builder.Logging.ClearProviders();
        CliRuntime.UseConfiguration(builder.Configuration, context.Options);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        CliRuntime.Configure(builder.Services, context.Options, storage, context.Pipelines, CliServer.Serve(context.Pipelines), registerSchedules: true);
        context.Options.ConfigureServeServices?.Invoke(builder.Services);
        ServeHealth.Add(builder.Services);
        // The dashboard's actions (trigger, pause, clear, Hangfire's requeue and delete) are POSTs a web page elsewhere
        // could send to 127.0.0.1: with the antiforgery service registered, Hangfire's dispatcher refuses any without the
        // token its own pages carry.
        builder.Services.AddAntiforgery();
        await using var app = builder.Build();
        LoopbackHostCheck.Use(app, port);
        app.UseHangfireDashboard("/hangfire");
        app.MapGet("/", () => Results.Redirect("/hangfire"));
        ServeHealth.Map(app);
        var token = ServeToken.Create(port);
        ServeApi.Map(app, port, token);
        try
        {
            await ServeUntilStopped(context, app, storage, port, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ServeToken.Delete(port, token);
        }
        return 0;
    }

    private static async Task ServeUntilStopped(CliContext context, WebApplication app, StorageSpec storage, int port, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        context.Output.WriteLine($"Serving {context.Pipelines.Count} pipeline(s) on {storage.Describe()}: {string.Join(", ", context.Pipelines.Select(p => p.Id))}");
        context.Output.WriteLine($"Dashboard: http://127.0.0.1:{port}/hangfire");
        context.Output.WriteLine($"Health: http://127.0.0.1:{port}/health");
        context.Output.Flush();
        // Ctrl-C and SIGTERM cancel the command's token (PipelinesCli.RunAsync handles them; the host's own console
        // lifetime is replaced so it swallows none). Waiting for the host's shutdown ends on it, then stops the host:
        // Hangfire stops fetching and gives running tries its shutdown timeout.
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        context.Output.WriteLine("Stopped.");
    }

    // ---- list / show / graph --------------------------------------------------------------------------------

    private static async Task<int> List(CliContext context, StorageSpec storage, string? server, bool json, CancellationToken cancellationToken)
    {
        var now = context.Options.Clock.GetCurrentInstant();
        var paused = await PausedPipelinesAsync(context, storage, server, cancellationToken).ConfigureAwait(false);
        var rows = context.Pipelines.Select(p => new
        {
            id = p.Id,
            paused = paused?.Contains(p.Id),
            schedule = p.Schedule,
            timeZone = p.TimeZone,
            calendar = p.Calendar,
            tasks = p.Tasks.Length,
            nextRun = NextRuns(p, now, 1).Select(t => t.ToString("uuuu-MM-dd HH:mm o<g>", CultureInfo.InvariantCulture)).FirstOrDefault(),
            description = p.Description,
        }).ToList();
        if (json)
        {
            context.WriteJson(OmitUnknownPause(rows));
            return 0;
        }
        var table = new Table().AddColumns("Pipeline", "Schedule", "Time zone", "Calendar", "Tasks", "Next run");
        if (paused is not null) table.AddColumn("State");
        foreach (var row in rows)
        {
            var cells = new List<string> { Markup.Escape(row.id), Markup.Escape(row.schedule ?? "manual"), Markup.Escape(row.timeZone), Markup.Escape(row.calendar ?? "-"), row.tasks.ToString(CultureInfo.InvariantCulture), Markup.Escape(row.nextRun ?? "-") };
            if (row.paused is { } isPaused) cells.Add(PauseWord(isPaused));
            table.AddRow(cells.ToArray());
        }
        context.Console.Write(table);
        return 0;
    }

    /// <summary>
    /// The paused pipelines when the command reaches the servers' state (--storage or --server), else null: this
    /// process's own in-memory state has never been paused by anyone, so saying "active" would be a guess.
    /// </summary>
    private static async Task<IReadOnlySet<string>?> PausedPipelinesAsync(CliContext context, StorageSpec storage, string? server, CancellationToken cancellationToken)
    {
        if (storage.IsInMemory && server is null) return null;
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        return await operations.PausedPipelinesAsync().ConfigureAwait(false);
    }

    /// <summary>Drops a null <c>paused</c> (state not read), so JSON without storage stays as it was rather than guessing.</summary>
    private static JsonNode? OmitUnknownPause<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, CliJson.Options);
        foreach (var item in node is JsonArray array ? array.ToList() : new List<JsonNode?> { node })
        {
            if (item is JsonObject entry && entry["paused"] is null) entry.Remove("paused");
        }
        return node;
    }

    private static string PauseWord(bool paused) => paused ? "[yellow]paused[/]" : "active";

    private static async Task<int> Show(CliContext context, StorageSpec storage, string? server, string pipelineId, bool json, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        var paused = (await PausedPipelinesAsync(context, storage, server, cancellationToken).ConfigureAwait(false))?.Contains(pipeline.Id);
        var next = NextRuns(pipeline, context.Options.Clock.GetCurrentInstant(), 5).ToList();
        var tasks = pipeline.Tasks.Select(t => new
        {
            id = t.Id,
            kind = t.Kind.ToString().ToLowerInvariant(),
            trigger = TriggerRuleEvaluator.RuleName(t.Trigger),
            retries = t.Retries,
            retryDelay = t.RetryDelay.ToString("c", CultureInfo.InvariantCulture),
            timeout = t.Timeout?.ToString("c", CultureInfo.InvariantCulture),
            queue = t.Queue,
            upstream = t.Upstream.Select(i => pipeline.Tasks[i].Id).ToArray(),
            deadline = t.Deadline,
        }).ToList();
        if (json)
        {
            context.WriteJson(OmitUnknownPause(new
            {
                id = pipeline.Id,
                paused,
                description = pipeline.Description,
                schedule = pipeline.Schedule,
                timeZone = pipeline.TimeZone,
                calendar = pipeline.Calendar,
                startDate = pipeline.StartDate?.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                catchup = pipeline.Catchup,
                maxActiveRuns = pipeline.MaxActiveRuns,
                deadline = pipeline.Deadline,
                tags = pipeline.Tags,
                nextRuns = next.Select(n => n.ToString("uuuu-MM-dd'T'HH:mm:sso<g>", CultureInfo.InvariantCulture)).ToArray(),
                tasks,
                // The JSON Schema of the typed run parameters, for scripts and forms; null for free-form string parameters.
                parameters = pipeline.Parameters is { } typed ? RunParameterSchema.For(typed) : null,
            }));
            return 0;
        }
        context.Console.MarkupLine($"[bold]{Markup.Escape(pipeline.Id)}[/]{(pipeline.Description is null ? "" : " - " + Markup.Escape(pipeline.Description))}");
        if (paused is { } isPaused) context.Console.MarkupLine($"state {PauseWord(isPaused)}");
        context.Console.MarkupLine($"schedule {Markup.Escape(pipeline.Schedule ?? "manual")} in {Markup.Escape(pipeline.TimeZone)}, calendar {Markup.Escape(pipeline.Calendar ?? "none")}, max {pipeline.MaxActiveRuns} active run(s), catchup {(pipeline.Catchup ? "on" : "off")}");
        var table = new Table().AddColumns("#", "Task", "Kind", "Trigger", "Retries", "Queue", "After");
        foreach (var (task, index) in tasks.Select((t, i) => (t, i)))
            table.AddRow(index.ToString(CultureInfo.InvariantCulture), Markup.Escape(task.id), task.kind, task.trigger, task.retries.ToString(CultureInfo.InvariantCulture), Markup.Escape(task.queue), Markup.Escape(string.Join(", ", task.upstream)));
        context.Console.Write(table);
        if (pipeline.Parameters is { } parameters)
        {
            var rows = new Table().AddColumns("Parameter", "Type", "Default", "Description");
            foreach (var parameter in parameters.Parameters)
            {
                var fallback = parameter.Default ?? (parameter.Required ? "(required)" : "");
                rows.AddRow(Markup.Escape(parameter.Name), Markup.Escape(parameter.TypeName), Markup.Escape(fallback), Markup.Escape(parameter.Description ?? ""));
            }
            context.Console.Write(rows);
        }
        if (next.Count > 0)
        {
            context.Console.MarkupLine("Next runs:");
            foreach (var at in next) context.Console.MarkupLine("  " + Markup.Escape(at.ToString("uuuu-MM-dd HH:mm o<g> (ddd)", CultureInfo.InvariantCulture)));
        }
        return 0;
    }

    /// <summary>The next schedule occurrences in the pipeline's zone, on sessions only when it has a calendar.</summary>
    private static IEnumerable<ZonedDateTime> NextRuns(PipelineDefinition pipeline, Instant now, int count)
    {
        if (PipelineTimetable.For(pipeline) is not { } timetable) yield break;
        var shown = 0;
        for (var next = timetable.NextAfter(now); next is { } o && shown < count; next = timetable.NextAfter(o.At), shown++)
            yield return o.At.InZone(timetable.Zone);
    }

    private static int Graph(CliContext context, string pipelineId, string format)
    {
        var pipeline = context.Pipeline(pipelineId);
        switch (format)
        {
            case "mermaid":
                context.Output.Write(pipeline.Mermaid);
                break;
            case "dot":
                var dot = new StringBuilder($"digraph \"{pipeline.Id}\" {{\n    rankdir=LR;\n");
                foreach (var task in pipeline.Tasks)
                {
                    var shape = task.Kind switch { TaskKind.Condition => "diamond", TaskKind.Branch => "hexagon", TaskKind.Sensor => "ellipse", _ => "box" };
                    dot.Append(CultureInfo.InvariantCulture, $"    \"{task.Id}\" [shape={shape}];\n");
                }
                foreach (var task in pipeline.Tasks)
                    foreach (var up in task.Upstream) dot.Append(CultureInfo.InvariantCulture, $"    \"{pipeline.Tasks[up].Id}\" -> \"{task.Id}\";\n");
                context.Output.Write(dot.Append("}\n").ToString());
                break;
            default:
                // Layers: each task one column right of its deepest upstream task.
                var layer = new int[pipeline.Tasks.Length];
                foreach (var task in pipeline.Tasks) layer[task.Index] = task.Upstream.IsEmpty ? 0 : task.Upstream.Max(u => layer[u]) + 1;
                foreach (var group in pipeline.Tasks.GroupBy(t => layer[t.Index]).OrderBy(g => g.Key))
                {
                    foreach (var task in group)
                    {
                        var after = task.Upstream.IsEmpty ? "" : "  <- " + string.Join(", ", task.Upstream.Select(u => pipeline.Tasks[u].Id));
                        var kind = task.Kind == TaskKind.Task ? "" : $" [{task.Kind.ToString().ToLowerInvariant()}]";
                        context.Output.WriteLine($"{new string(' ', group.Key * 2)}{task.Id}{kind}{after}");
                    }
                }
                break;
        }
        return 0;
    }

    // ---- trigger / backfill / clear / runs ------------------------------------------------------------------

    private static async Task<int> Trigger(CliContext context, StorageSpec storage, string? server, string pipelineId, string? dateText, string[]? parameterValues, bool wait, bool local, bool json, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        var date = context.LogicalDate(pipeline, dateText);
        var parameters = CliContext.Parameters(pipeline, parameterValues);
        RefuseLocalWithServer(server, local);
        // In-memory state lives only in this process, so without --server the run must finish here. On shared storage the
        // servers (serve) run it and this command at most watches: a server here on their queues would take jobs of other
        // runs and abandon them when the command ends. --local runs it here on a queue of this process's own instead.
        var hangfireServer = HangfireServerFor(context, storage, server, local);
        var runHere = hangfireServer is not null;
        wait |= hangfireServer?.RunQueue is not null; // --local: the private queue has no server once this command ends
        await using var operations = await OpenAsync(context, storage, server, hangfireServer, cancellationToken).ConfigureAwait(false);
        var runId = await operations.TriggerAsync(pipeline.Id, date, parameters).ConfigureAwait(false);
        WarnIfNoServer(context, operations, pipeline, "or pass --local to run it here");
        if (!runHere && !wait)
        {
            if (json) context.WriteJson(new { pipeline = pipeline.Id, run = runId, state = "running" });
            else context.Output.WriteLine($"Triggered {pipeline.Id} for {date:yyyy-MM-dd} as run {runId} on {operations.Describe}.");
            return 0;
        }
        if (!json && storage.IsInMemory && server is null && !wait)
            context.Output.WriteLine("(in-memory storage: the run is executed in this process until it ends; pass --server to use a running 'serve')");
        var run = await WatchAsync(context, operations, pipeline, runId, live: !json, cancellationToken).ConfigureAwait(false);
        if (json) context.WriteJson(RunJson(run));
        return run.State == RunState.Success ? 0 : 1;
    }

    /// <summary>The runtime in this process on the storage, or a running serve when --server is given.</summary>
    private static async Task<IRunOperations> OpenAsync(CliContext context, StorageSpec storage, string? server, CliServer? hangfireServer, CancellationToken cancellationToken)
    {
        if (server is not null) return await HttpRunOperations.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var runtime = await CliRuntime.StartAsync(context.Options, storage, context.Pipelines, hangfireServer, cancellationToken).ConfigureAwait(false);
        return new LocalRunOperations(runtime, storage);
    }

    /// <summary>The Hangfire server a run command starts here: all queues on in-memory state, a private queue with --local on shared storage, else none.</summary>
    private static CliServer? HangfireServerFor(CliContext context, StorageSpec storage, string? server, bool local)
    {
        if (server is not null) return null;
        if (storage.IsInMemory) return CliServer.InMemory(context.Pipelines);
        return local ? CliServer.Local() : null;
    }

    private static void RefuseLocalWithServer(string? server, bool local)
    {
        if (local && server is not null)
            throw new CliException("--local runs the work in this process, and --server leaves it to that server; pass one of them.");
    }

    /// <summary>Says so, in one line, when the work was left to servers on shared storage and none is alive to do it.</summary>
    private static void WarnIfNoServer(CliContext context, IRunOperations operations, PipelineDefinition pipeline, string? hint = null)
    {
        if (operations is LocalRunOperations { Runtime: { Server: null } runtime } && runtime.LiveServerCount(pipeline.Tasks.Select(t => t.Queue)) == 0)
            context.Error.WriteLine($"note: no Pipelines server is alive on {operations.Describe}; the run waits until a 'serve' with this storage starts{(hint is null ? "" : $" ({hint})")}.");
    }

    private static async Task<int> Backfill(CliContext context, StorageSpec storage, string? server, string pipelineId, string fromText, string toText, string[]? parameterValues, bool local, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        var from = CliContext.ParseDate(fromText, "--from");
        var to = CliContext.ParseDate(toText, "--to");
        if (to < from) throw new CliException($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}.");
        if (BackfillLimit.Refusal(pipeline, from, to) is { } refusal) throw new CliException(refusal);
        RefuseLocalWithServer(server, local);
        // Runs here only on in-memory state, which no server elsewhere can see, or with --local; else the servers run them.
        await using var operations = await OpenAsync(context, storage, server, HangfireServerFor(context, storage, server, local), cancellationToken).ConfigureAwait(false);
        var runIds = await operations.BackfillAsync(pipeline.Id, from, to, CliContext.Parameters(pipeline, parameterValues)).ConfigureAwait(false);
        if (runIds.Count > 0) WarnIfNoServer(context, operations, pipeline, "or pass --local to run them here");
        if (operations is LocalRunOperations { Runtime.Server.RunQueue: { } queue })
        {
            // A date that already had a backfill run keeps it, with its own queue: this process does not run those.
            var theirs = 0;
            foreach (var id in runIds)
                if ((await operations.GetRunAsync(pipeline.Id, id).ConfigureAwait(false))?.Queue != queue) theirs++;
            if (theirs > 0) context.Error.WriteLine($"note: {theirs} of the {runIds.Count} run(s) existed already; the servers run those, not this process.");
        }
        if (runIds.Count == 0)
        {
            context.Output.WriteLine($"No dates to backfill between {from:yyyy-MM-dd} and {to:yyyy-MM-dd}{(pipeline.Calendar is null ? "" : $" (no {pipeline.Calendar} sessions)")}.");
            return 0;
        }
        var finished = new List<PipelineRun>();
        await context.Console.Progress().StartAsync(async progress =>
        {
            var bar = progress.AddTask($"{pipeline.Id} {from:yyyy-MM-dd}..{to:yyyy-MM-dd}", maxValue: runIds.Count);
            while (true)
            {
                finished = new List<PipelineRun>();
                foreach (var id in runIds)
                {
                    if (await operations.GetRunAsync(pipeline.Id, id).ConfigureAwait(false) is { } r && r.State.IsFinished()) finished.Add(r);
                }
                bar.Value = finished.Count;
                if (finished.Count == runIds.Count) break;
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        var failed = finished.Where(r => r.State == RunState.Failed).ToList();
        context.Output.WriteLine($"Backfilled {runIds.Count} run(s) of {pipeline.Id}: {runIds.Count - failed.Count} succeeded, {failed.Count} failed{(failed.Count == 0 ? "" : ": " + string.Join(", ", failed.Select(r => r.RunId)))}.");
        return failed.Count == 0 ? 0 : 1;
    }

    private static async Task<int> Clear(CliContext context, StorageSpec storage, string? server, string pipelineId, string runId, string[] taskIds, ClearScope scope, bool onlyFailed, bool wait, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        foreach (var taskId in taskIds) CliContext.Task(pipeline, taskId);
        RequireSharedState(storage, server, "clear");
        // clear needs shared state, so the servers on it run the cleared tasks; --wait only watches.
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        if (await operations.GetRunAsync(pipeline.Id, runId).ConfigureAwait(false) is null)
            throw new CliException($"pipeline '{pipeline.Id}' has no run '{runId}' in {operations.Describe}; 'runs {pipeline.Id}' lists them.");
        var cleared = await operations.ClearAsync(pipeline.Id, runId, taskIds, scope, onlyFailed).ConfigureAwait(false);
        context.Output.WriteLine(cleared.Count == 0
            ? "Nothing to clear: the tasks are running, queued, or (with --only-failed) did not fail."
            : $"Cleared {string.Join(", ", cleared)} in run {runId}; they run again now.");
        if (cleared.Count > 0) WarnIfNoServer(context, operations, pipeline);
        if (!wait) return 0;
        var run = await WatchAsync(context, operations, pipeline, runId, live: true, cancellationToken).ConfigureAwait(false);
        return run.State == RunState.Success ? 0 : 1;
    }

    private static async Task<int> SetPaused(CliContext context, StorageSpec storage, string? server, string pipelineId, bool paused, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        var verb = paused ? "pause" : "unpause";
        // A pause kept in this process's own memory would end with it: it needs the servers' storage or a running serve.
        RequireSharedState(storage, server, verb);
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        var changed = await operations.SetPausedAsync(pipeline.Id, paused).ConfigureAwait(false);
        context.Output.WriteLine(changed
            ? paused ? $"Paused {pipeline.Id}: no new runs or tasks start until 'unpause {pipeline.Id}'." : $"Unpaused {pipeline.Id}: its waiting tasks start now."
            : $"{pipeline.Id} was already {(paused ? "paused" : "unpaused")}.");
        return 0;
    }

    private static async Task<int> Runs(CliContext context, StorageSpec storage, string? server, string pipelineId, int limit, bool json, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        if (limit < 1) throw new CliException($"--limit {limit} must be at least 1.");
        RequireSharedState(storage, server, "runs");
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        var runs = await operations.ListRunsAsync(pipeline.Id, limit).ConfigureAwait(false);
        if (json)
        {
            context.WriteJson(runs.Select(RunJson).ToList());
            return 0;
        }
        if (runs.Count == 0)
        {
            context.Output.WriteLine($"No runs of {pipeline.Id} yet.");
            return 0;
        }
        context.Console.Write(Grid(pipeline, runs));
        return 0;
    }

    private static async Task<int> Why(CliContext context, StorageSpec storage, string? server, string pipelineId, string runId, string taskId, bool json, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        CliContext.Task(pipeline, taskId);
        RequireSharedState(storage, server, "why");
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        if (await operations.GetRunAsync(pipeline.Id, runId).ConfigureAwait(false) is null)
            throw new CliException($"pipeline '{pipeline.Id}' has no run '{runId}' in {operations.Describe}; 'runs {pipeline.Id}' lists them.");
        var reasons = await operations.ExplainAsync(pipeline.Id, runId, taskId).ConfigureAwait(false);
        if (json)
        {
            context.WriteJson(reasons.Select(d => new { name = d.Name, met = d.Met, sentence = d.Sentence }).ToList());
            return 0;
        }
        foreach (var reason in reasons) context.Output.WriteLine($"{(reason.Met ? "met    " : "NOT MET")}  {reason.Name}: {reason.Sentence}");
        return 0;
    }

    private static async Task<int> Pools(CliContext context, StorageSpec storage, string? server, bool json, CancellationToken cancellationToken)
    {
        RequireSharedState(storage, server, "pools");
        await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
        var pools = await operations.PoolsAsync().ConfigureAwait(false);
        if (json)
        {
            context.WriteJson(pools.Select(p => new { name = p.Name, slots = p.Slots, running = p.Running, queued = p.Queued, open = p.Open, description = p.Description }).ToList());
            return 0;
        }
        if (pools.Count == 0)
        {
            context.Output.WriteLine("No pools: declare one with [assembly: Pool(\"name\", Slots = n)] or configure Pipelines:Pools:name.");
            return 0;
        }
        var table = new Table().AddColumns("Pool", "Slots", "Running", "Queued", "Open", "Description");
        foreach (var pool in pools)
            table.AddRow(Markup.Escape(pool.Name), Num(pool.Slots), Num(pool.Running), Num(pool.Queued), Num(pool.Open), Markup.Escape(pool.Description ?? ""));
        context.Console.Write(table);
        return 0;

        static string Num(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void RequireSharedState(StorageSpec storage, string? server, string verb)
    {
        if (storage.IsInMemory && server is null)
            throw new CliException($"'{verb}' needs shared state, but in-memory state lives only inside the process that holds it; pass --server http://127.0.0.1:5000 to operate a running 'serve', or --storage postgres://user:password@host:5432/database.");
    }

    // ---- test ------------------------------------------------------------------------------------------------

    private static async Task<int> TestTask(CliContext context, StorageSpec storage, string? server, string pipelineId, string taskId, string? dateText, string[]? parameterValues, string[]? inputValues, string? fromRun, int? mapIndex, CancellationToken cancellationToken)
    {
        var pipeline = context.Pipeline(pipelineId);
        var task = CliContext.Task(pipeline, taskId);
        var date = context.LogicalDate(pipeline, dateText);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        // A mapped task runs one instance: its element of the upstream collection, which is an input like the others.
        var mappedOver = task.MapOver is { } over ? pipeline.Tasks[over].Id : null;
        if (mappedOver is null && mapIndex is not null) throw new CliException($"task '{task.Id}' is not mapped, so it has no --map-index.");
        if (mappedOver is not null && mapIndex is null) throw new CliException($"task '{task.Id}' is mapped over '{mappedOver}'; pass --map-index <n> to run the instance for element n (from 0).");
        if (mapIndex < 0) throw new CliException($"--map-index {mapIndex} is negative; map indexes start at 0.");
        var needed = task.Inputs.Select(i => (Id: pipeline.Tasks[i.FromTask].Id, Parameter: i.ParameterName)).ToList();
        if (mappedOver is not null) needed.Add((mappedOver, "(mapped over)"));

        if (fromRun is not null)
        {
            RequireSharedState(storage, server, "test --from-run");
            await using var operations = await OpenAsync(context, storage, server, hangfireServer: null, cancellationToken).ConfigureAwait(false);
            if (await operations.GetRunAsync(pipeline.Id, fromRun).ConfigureAwait(false) is null) throw new CliException($"pipeline '{pipeline.Id}' has no run '{fromRun}'.");
            foreach (var (id, _) in needed)
            {
                if (await operations.GetOutputAsync(pipeline.Id, fromRun, id).ConfigureAwait(false) is { } json) outputs[id] = json;
            }
        }
        foreach (var value in inputValues ?? Array.Empty<string>())
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new CliException($"--input '{value}' is not task=json.");
            var id = value[..equals];
            CliContext.Task(pipeline, id);
            outputs[id] = value[(equals + 1)..];
        }
        foreach (var (id, parameter) in needed)
        {
            if (!outputs.ContainsKey(id))
                throw new CliException($"task '{task.Id}' needs the output of '{id}' for parameter '{parameter}'; pass --input {id}=<json> or --from-run <run id>.");
        }
        if (mappedOver is not null && TaskDataSerializer.CountElements(outputs[mappedOver]) is var length && mapIndex >= length)
            throw new CliException($"--map-index {mapIndex} is past the end of '{mappedOver}', which has {Math.Max(0, length)} element(s).");

        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole());
        context.Options.ConfigureServices?.Invoke(services);
        await using var provider = services.BuildServiceProvider();
        var zone = context.Zone(pipeline);
        var run = new RunContext(pipeline.Id, "test__" + date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), task.Id, date,
            new Interval(date.AtStartOfDayInZone(zone).ToInstant(), date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant()), 1,
            CliContext.Parameters(pipeline, parameterValues), provider.GetRequiredService<ILoggerFactory>().CreateLogger($"Pipelines.{pipeline.Id}.{task.Id}"))
        {
            MapIndex = mapIndex,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (task.Timeout is { } limit) timeout.CancelAfter(limit);
        try
        {
            var outcome = await pipeline.InvokeAsync(task, new TaskInvocation(run, provider, new DictionaryOutputs(outputs), cancellationToken: timeout.Token)).ConfigureAwait(false);
            var summary = task.Kind switch
            {
                TaskKind.Condition => $"condition returned {(outcome.Result == true ? "true" : "false: everything downstream would be skipped")}",
                TaskKind.Sensor => outcome.Result == true ? "sensor is satisfied" : "sensor is not satisfied yet",
                TaskKind.Branch => $"branch chose {(outcome.ChosenBranches.IsEmpty ? "no target" : string.Join(", ", outcome.ChosenBranches))}",
                _ => outcome.OutputJson is null ? "succeeded (no output)" : "succeeded",
            };
            context.Output.WriteLine($"{pipeline.Id}.{task.Id} [{date:yyyy-MM-dd}]: {summary}");
            if (outcome.OutputJson is not null) context.Output.WriteLine(outcome.OutputJson);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.Output.WriteLine($"{pipeline.Id}.{task.Id} [{date:yyyy-MM-dd}]: failed: {(ex is OperationCanceledException ? $"timed out after {task.Timeout:c}" : $"{ex.GetType().Name}: {ex.Message}")}");
            return 1;
        }
    }

    private sealed class DictionaryOutputs(Dictionary<string, string> outputs) : ITaskOutputSource
    {
        public string? GetOutputJson(string taskId) => outputs.TryGetValue(taskId, out var json) ? json : null;
    }

    // ---- views -----------------------------------------------------------------------------------------------

    private static async Task<PipelineRun> WatchAsync(CliContext context, IRunOperations operations, PipelineDefinition pipeline, string runId, bool live, CancellationToken cancellationToken)
    {
        PipelineRun run = (await operations.GetRunAsync(pipeline.Id, runId).ConfigureAwait(false))!;
        if (live && context.Console.Profile.Capabilities.Interactive)
        {
            await context.Console.Live(RunTable(run)).StartAsync(async display =>
            {
                while (!run.State.IsFinished())
                {
                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                    run = (await operations.GetRunAsync(pipeline.Id, runId).ConfigureAwait(false))!;
                    display.UpdateTarget(RunTable(run));
                }
            }).ConfigureAwait(false);
        }
        else
        {
            while (!run.State.IsFinished())
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                run = (await operations.GetRunAsync(pipeline.Id, runId).ConfigureAwait(false))!;
            }
            if (live) context.Console.Write(RunTable(run));
        }
        if (live)
        {
            // The reasons of failed tasks in full, whatever the table's width did to them, and the end of their logs.
            // A failed mapped task shows its failed instances, whose reasons and logs are their own.
            foreach (var failed in run.Tasks.SelectMany(t => run.Instances.TryGetValue(t.TaskId, out var instances) && instances.Length > 0 ? instances.AsEnumerable() : new[] { t }).Where(t => t.State == TaskState.Failed))
            {
                context.Output.WriteLine($"{failed.TaskId}: {failed.Reason}");
                var log = (await operations.GetLogAsync(pipeline.Id, runId, failed.TaskId).ConfigureAwait(false)).Where(l => l.Try == failed.TryNumber).ToList();
                if (log.Count == 0) continue;
                context.Output.WriteLine($"  last {Math.Min(LogTail, log.Count)} of {log.Count} log line(s) of try {failed.TryNumber}:");
                foreach (var line in log.TakeLast(LogTail).SelectMany(l => $"{l.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {l.Level} {l.Message}".Split('\n').Take(LogLineRows)))
                    context.Output.WriteLine("  | " + line.TrimEnd('\r'));
            }
            context.Output.WriteLine($"Run {run.RunId} of {pipeline.Id} ({run.LogicalDate:yyyy-MM-dd}): {run.State.Name()}");
        }
        return run;
    }

    /// <summary>How many log lines of a failed try <c>trigger --wait</c> shows, and how many rows of each (a stack trace is long).</summary>
    private const int LogTail = 10;
    private const int LogLineRows = 6;

    private static Table RunTable(PipelineRun run)
    {
        var table = new Table().AddColumns("Task", "State", "Try", "Duration", "Why");
        foreach (var task in run.Tasks)
        {
            // A mapped task is one row, with how its instances stand.
            var mapped = run.Instances.TryGetValue(task.TaskId, out var instances) ? $" [grey]({Markup.Escape(MapSummary.Describe(instances))})[/]" : "";
            table.AddRow(
                Markup.Escape(task.TaskId) + mapped,
                $"[{Colour(task.State)}]{task.State.Name()}[/]",
                task.TryNumber.ToString(CultureInfo.InvariantCulture),
                task.Duration is { } d ? d.ToString("m:ss.fff", CultureInfo.InvariantCulture) : "",
                Markup.Escape(task.Reason ?? ""));
        }
        return table;
    }

    private static Table Grid(PipelineDefinition pipeline, IReadOnlyList<PipelineRun> runs)
    {
        var table = new Table().AddColumn("Task");
        foreach (var run in runs) table.AddColumn(new TableColumn(Markup.Escape(run.LogicalDate.ToString("MM-dd", CultureInfo.InvariantCulture) + " " + run.State.Name())));
        foreach (var task in pipeline.Tasks)
        {
            var cells = new List<string> { Markup.Escape(task.Id) };
            // A mapped task's cell is its aggregate (worst) state with its instance count.
            cells.AddRange(runs.Select(r => $"[{Colour(r[task.Id].State)}]{r[task.Id].State.Name()}[/]"
                + (r.Instances.TryGetValue(task.Id, out var instances) ? $" ×{instances.Length.ToString(CultureInfo.InvariantCulture)}" : "")));
            table.AddRow(cells.ToArray());
        }
        table.Caption($"{runs.Count} latest run(s) of {Markup.Escape(pipeline.Id)}, newest first");
        return table;
    }

    private static string Colour(TaskState state) => state switch
    {
        TaskState.Success => "green",
        TaskState.Failed => "red",
        TaskState.UpstreamFailed => "darkorange",
        TaskState.Skipped => "grey",
        TaskState.Running => "aqua",
        TaskState.Queued or TaskState.Scheduled => "grey70",
        TaskState.UpForRetry => "yellow",
        TaskState.UpForReschedule => "turquoise2",
        _ => "default",
    };

    private static object RunJson(PipelineRun run) => new
    {
        pipeline = run.PipelineId,
        run = run.RunId,
        kind = run.Kind.ToString().ToLowerInvariant(),
        logicalDate = run.LogicalDate.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
        state = run.State.Name(),
        deadlineMissed = run.MissedDeadline?.ToString(),
        triggeredBy = run.TriggeredBy?.Select(AssetEventJson).ToArray(),
        parameters = run.Parameters,
        tasks = run.Tasks.Select(t => new
        {
            task = t.TaskId,
            state = t.State.Name(),
            tryNumber = t.TryNumber,
            start = t.Start?.ToString(),
            end = t.End?.ToString(),
            server = t.Server,
            reason = t.Reason,
            mapCount = run.Instances.TryGetValue(t.TaskId, out var mapped) ? mapped.Length : (int?)null,
            instances = run.Instances.TryGetValue(t.TaskId, out var instances)
                ? instances.Select(i => new { task = i.TaskId, mapIndex = i.MapIndex, state = i.State.Name(), tryNumber = i.TryNumber, start = i.Start?.ToString(), end = i.End?.ToString(), server = i.Server, reason = i.Reason }).ToArray()
                : null,
        }).ToArray(),
    };

    private static object AssetEventJson(AssetEvent e) => new
    {
        asset = e.Asset,
        partition = e.Partition.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
        id = e.Id,
        at = e.At.ToString(),
        pipeline = e.PipelineId,
        run = e.RunId,
        task = e.TaskId,
        external = e.IsExternal,
        extra = e.Extra,
    };
}
