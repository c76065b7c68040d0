using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using Pipelines.Calendars;
using Pipelines.Generators.Validation;
using Pipelines.Hangfire;
using Spectre.Console;

namespace Pipelines.Cli;

/// <summary>
/// The operator's command line, hosted by the user's app: <c>return await PipelinesCli.RunAsync(args);</c>.
/// It finds the app's generated pipelines and hosts Hangfire. Verbs: serve (the default), list, show, graph, trigger,
/// test, backfill, clear, runs, why, pause, unpause. Read commands take <c>--json</c>.
/// </summary>
public static partial class PipelinesCli
{
    /// <summary>Runs the command line. Returns the process exit code: 0 success, 1 a run or task failed, 2 bad input, 3 environment.</summary>
    public static async Task<int> RunAsync(string[] args, Action<PipelinesCliOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new PipelinesCliOptions();
        configure?.Invoke(options);
        var output = options.Out ?? Console.Out;
        var error = options.Error ?? Console.Error;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = options.Out is null ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = options.Out is null ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = options.Out is null ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (options.Out is not null) console.Profile.Width = 200; // captured output: no terminal to wrap tables for
        var pipelines = options.Pipelines ?? PipelineCatalog.All;
        var context = new CliContext(options, console, output, error, pipelines);

        var root = BuildCommands(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"error: {parsed.Errors[0].Message} (see --help)").ConfigureAwait(false);
            return 2;
        }
        // Ctrl-C and SIGTERM end the command gracefully. Nothing else would: System.CommandLine 2.0.0 handles no signals
        // (its ProcessTerminationTimeout is null), and the hosts the commands start swallow them in their console
        // lifetimes, so a watching trigger or backfill would ignore them. A second signal while stopping is not held.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Stop(PosixSignalContext signal)
        {
            if (stop.IsCancellationRequested) return;
            signal.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, stop.Token).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (RunParametersException ex)
        {
            await error.WriteLineAsync("error: " + CliContext.ParameterErrors(ex.Errors).Message).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ConfigurationProblems(ex) is { } problems)
        {
            // A bad value in the app's Pipelines section (or in options its code set) stops the host at start.
            await error.WriteLineAsync("error: configuration: " + problems).ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 130;
        }
    }

    /// <summary>The messages of options validation that failed at a host's start, on one line; null for any other error.</summary>
    private static string? ConfigurationProblems(Exception ex)
    {
        var failures = ex switch
        {
            OptionsValidationException one => new[] { one },
            AggregateException many when many.InnerExceptions.Count > 0 && many.InnerExceptions.All(e => e is OptionsValidationException) =>
                many.InnerExceptions.Cast<OptionsValidationException>().ToArray(),
            _ => null,
        };
        return failures is null ? null : string.Join("; ", failures.SelectMany(f => f.Failures)).ReplaceLineEndings(" ");
    }

    private static RootCommand BuildCommands(CliContext context)
    {
        var storage = new Option<string>("--storage") { Description = "memory (default), postgres://user:password@host:5432/database[?sslmode=require&...], an Npgsql connection string, or redis://host:6379.", DefaultValueFactory = _ => "memory", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var pipelineArgument = new Argument<string>("pipeline") { Description = "The pipeline id." };
        var port = new Option<int>("--port") { Description = "Port for the dashboard on 127.0.0.1.", DefaultValueFactory = _ => 5000 };
        var date = new Option<string?>("--date") { Description = "The logical date, yyyy-MM-dd (default: today in the pipeline's time zone)." };
        var parameters = new Option<string[]>("--param") { Description = "A run parameter as key=value; repeatable. Keys match a typed pipeline's parameter names in any case; show --json prints their JSON Schema.", AllowMultipleArgumentsPerToken = false };
        var wait = new Option<bool>("--wait") { Description = "Show task states live until the run ends; exit 0 only if it succeeded." };

        var server = new Option<string?>("--server") { Description = "Operate a running 'serve' at this URL (for example http://127.0.0.1:5000) instead of opening the storage here.", Recursive = true };
        var root = new RootCommand("Operate the pipelines of this app on Hangfire.");
        root.Options.Add(storage);
        root.Options.Add(server);

        var serve = new Command("serve", "Run the Hangfire server, the schedules and the dashboard.") { port };
        serve.SetAction((r, ct) => Serve(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(port), ct));
        root.Subcommands.Add(serve);
        root.Options.Add(port);
        root.SetAction((r, ct) => Serve(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(port), ct));

        var list = new Command("list", "List the pipelines with their schedules and next run times, and whether each is paused with --storage or --server.") { json };
        list.SetAction((r, ct) => List(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(json), ct));
        root.Subcommands.Add(list);

        var show = new Command("show", "Show a pipeline's tasks, settings and next five run times, and whether it is paused with --storage or --server.") { pipelineArgument, json };
        show.SetAction((r, ct) => Show(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(json), ct));
        root.Subcommands.Add(show);

        var format = new Option<string>("--format") { Description = "mermaid, dot or text.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("mermaid", "dot", "text");
        var graph = new Command("graph", "Print a pipeline's graph.") { pipelineArgument, format };
        graph.SetAction(r => Graph(context, r.GetValue(pipelineArgument)!, r.GetValue(format)!));
        root.Subcommands.Add(graph);

        var local = new Option<bool>("--local") { Description = "On shared storage, run the work in this process (on a queue of its own, so no other run's tasks) until it ends, instead of leaving it to the servers." };
        var trigger = new Command("trigger", "Trigger a run.") { pipelineArgument, date, parameters, wait, local, json };
        trigger.SetAction((r, ct) => Trigger(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(date), r.GetValue(parameters), r.GetValue(wait), r.GetValue(local), r.GetValue(json), ct));
        root.Subcommands.Add(trigger);

        var taskArgument = new Argument<string>("task") { Description = "The task id." };
        var inputs = new Option<string[]>("--input") { Description = "An upstream output as task=json; repeatable." };
        var fromRun = new Option<string?>("--from-run") { Description = "Take upstream outputs from this earlier run (needs shared storage)." };
        var mapIndex = new Option<int?>("--map-index") { Description = "For a mapped task, the instance to run: the element of its upstream collection at this index, from 0." };
        var test = new Command("test", "Run one task in-process, without the scheduler.") { pipelineArgument, taskArgument, date, parameters, inputs, fromRun, mapIndex };
        test.SetAction((r, ct) => TestTask(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(taskArgument)!, r.GetValue(date), r.GetValue(parameters), r.GetValue(inputs), r.GetValue(fromRun), r.GetValue(mapIndex), ct));
        root.Subcommands.Add(test);

        var from = new Option<string>("--from") { Description = "First logical date, yyyy-MM-dd.", Required = true };
        var to = new Option<string>("--to") { Description = "Last logical date, yyyy-MM-dd.", Required = true };
        var backfill = new Command("backfill", "Create runs for a date range (sessions only on a calendar pipeline) and run them.") { pipelineArgument, from, to, parameters, local };
        backfill.SetAction((r, ct) => Backfill(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(from)!, r.GetValue(to)!, r.GetValue(parameters), r.GetValue(local), ct));
        root.Subcommands.Add(backfill);

        var run = new Option<string>("--run") { Description = "The run id.", Required = true };
        var tasks = new Option<string[]>("--task") { Description = "A task to clear; repeatable.", Required = true };
        var downstream = new Option<bool>("--downstream") { Description = "Also clear everything downstream." };
        var upstream = new Option<bool>("--upstream") { Description = "Also clear everything upstream." };
        var onlyFailed = new Option<bool>("--only-failed") { Description = "Only clear tasks that failed or are upstream_failed." };
        var clear = new Command("clear", "Clear tasks of a run so they run again.") { pipelineArgument, run, tasks, downstream, upstream, onlyFailed, wait };
        clear.SetAction((r, ct) => Clear(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(run)!, r.GetValue(tasks)!,
            (r.GetValue(downstream) ? ClearScope.Downstream : ClearScope.Task) | (r.GetValue(upstream) ? ClearScope.Upstream : ClearScope.Task), r.GetValue(onlyFailed), r.GetValue(wait), ct));
        root.Subcommands.Add(clear);

        var limit = new Option<int>("--limit") { Description = "How many runs.", DefaultValueFactory = _ => 25 };
        var runs = new Command("runs", "Show the latest runs as a grid of task states.") { pipelineArgument, limit, json };
        runs.SetAction((r, ct) => Runs(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(limit), r.GetValue(json), ct));
        root.Subcommands.Add(runs);

        var runArgument = new Argument<string?>("run") { Description = "The run id; leave out with the task to ask why an asset-scheduled pipeline has not started.", Arity = ArgumentArity.ZeroOrOne };
        var whyTask = new Argument<string?>("task") { Description = "The task id.", Arity = ArgumentArity.ZeroOrOne };
        var whyPartition = new Option<string?>("--partition") { Description = "For a pipeline scheduled on assets, without a run: the partition, yyyy-MM-dd (default: the one the last event of its assets arrived for)." };
        var why = new Command("why", "Say why a task of a run is (or is not) running, each readiness reason met or not; with the pipeline alone, what an asset-scheduled pipeline waits for and what has arrived.") { pipelineArgument, runArgument, whyTask, whyPartition, json };
        why.SetAction((r, ct) => r.GetValue(runArgument) is { } runId
            ? Why(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, runId,
                r.GetValue(whyTask) ?? throw new CliException("name the task too: why <pipeline> <run> <task>; 'show <pipeline>' lists the tasks."), r.GetValue(json), ct)
            : WhyAssets(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, r.GetValue(whyPartition), r.GetValue(json), ct));
        root.Subcommands.Add(why);

        var pause = new Command("pause", "Pause a pipeline: its schedule creates no runs and no new task starts until it is unpaused.") { pipelineArgument };
        pause.SetAction((r, ct) => SetPaused(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, true, ct));
        root.Subcommands.Add(pause);
        var unpause = new Command("unpause", "Unpause a pipeline: its waiting tasks start, and with catch-up its schedule creates the runs it missed.") { pipelineArgument };
        unpause.SetAction((r, ct) => SetPaused(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(pipelineArgument)!, false, ct));
        root.Subcommands.Add(unpause);
        var pools = new Command("pools", "Show each pool's slots and how many are running, queued and open.") { json };
        pools.SetAction((r, ct) => Pools(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(json), ct));
        root.Subcommands.Add(pools);

        var assetArgument = new Argument<string>("asset") { Description = "The asset name, such as vendor.fundamentals." };
        var partition = new Option<string>("--partition") { Description = "The partition the data is for (the logical date of the runs it starts), yyyy-MM-dd.", Required = true };
        var extra = new Option<string[]>("--extra") { Description = "Extra data about the event as key=value, such as rows=1200; repeatable." };
        var assetEvent = new Command("asset-event", "Record an event of an asset produced outside this app; pipelines scheduled on it start when their condition holds for the partition.") { assetArgument, partition, extra, json };
        assetEvent.SetAction((r, ct) => PostAssetEvent(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(assetArgument)!, r.GetValue(partition)!, r.GetValue(extra), r.GetValue(json), ct));
        root.Subcommands.Add(assetEvent);
        var assets = new Command("assets", "List the assets: who produces and who consumes each, and (with --storage or --server) its latest event.") { json };
        assets.SetAction((r, ct) => Assets(context, StorageSpec.Parse(r.GetValue(storage)), r.GetValue(server), r.GetValue(json), ct));
        root.Subcommands.Add(assets);
        return root;
    }

    // ---- shared helpers ---------------------------------------------------------------------------------------

    internal sealed record CliContext(PipelinesCliOptions Options, IAnsiConsole Console, TextWriter Output, TextWriter Error, IReadOnlyList<PipelineDefinition> Pipelines)
    {
        public PipelineDefinition Pipeline(string id)
        {
            foreach (var pipeline in Pipelines) if (pipeline.Id == id) return pipeline;
            var known = Pipelines.Select(p => p.Id).ToList();
            throw new CliException($"no pipeline '{id}'.{Suggestions.DidYouMean(id, known)} Known pipelines: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}.");
        }

        public static TaskDefinition Task(PipelineDefinition pipeline, string id) =>
            pipeline.TryGetTask(id, out var task)
                ? task
                : throw new CliException($"pipeline '{pipeline.Id}' has no task '{id}'.{Suggestions.DidYouMean(id, pipeline.Tasks.Select(t => t.Id))} Its tasks: {string.Join(", ", pipeline.Tasks.Select(t => t.Id))}.");

        public DateTimeZone Zone(PipelineDefinition pipeline) => PipelineTimes.Of(pipeline).Zone;

        /// <summary>The logical date from --date, or today in the pipeline's zone; on a calendar pipeline it must be a session.</summary>
        public LocalDate LogicalDate(PipelineDefinition pipeline, string? text)
        {
            LocalDate date;
            if (text is null) date = Options.Clock.GetCurrentInstant().InZone(Zone(pipeline)).Date;
            else date = ParseDate(text, "--date");
            if (pipeline.Calendar is { } calendarId && text is not null)
            {
                var calendar = PipelineTimes.Of(pipeline).Calendar!;
                if (!calendar.IsSession(date))
                {
                    var why = calendar.TryGetHoliday(date, out var holiday) ? holiday : date.DayOfWeek.ToString();
                    throw new CliException($"{date:yyyy-MM-dd} is not a {calendarId} session ({why}); pipeline '{pipeline.Id}' runs on sessions only. The previous session is {calendar.PreviousSession(date):yyyy-MM-dd}, the next {calendar.NextSession(date):yyyy-MM-dd}.");
                }
            }
            return date;
        }

        public static LocalDate ParseDate(string text, string option)
        {
            var result = LocalDatePattern.Iso.Parse(text);
            if (result.Success) return result.Value;
            throw new CliException($"{option} '{text}' is not a date: write it as yyyy-MM-dd, for example 2024-03-08.");
        }

        public static Dictionary<string, string> Parameters(string[]? values)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var value in values ?? Array.Empty<string>())
            {
                var equals = value.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0) throw new CliException($"--param '{value}' is not key=value.");
                result[value[..equals]] = value[(equals + 1)..];
            }
            return result;
        }

        /// <summary>
        /// The <c>--param</c> values checked against the pipeline's typed parameters (the runtime's own
        /// <see cref="RunParameterSet"/>), before any runtime starts: one <c>error:</c> line per bad input, exit code 2.
        /// A pipeline without typed parameters takes its strings as they are.
        /// </summary>
        public static Dictionary<string, string> Parameters(PipelineDefinition pipeline, string[]? values)
        {
            var given = Parameters(values);
            if (pipeline.Parameters is not { } typed) return given;
            var errors = new List<string>();
            var bound = typed.TryBind(given, errors);
            if (errors.Count > 0) throw ParameterErrors(errors);
            return new Dictionary<string, string>(bound, StringComparer.Ordinal);
        }

        /// <summary>One <c>error: --param ...</c> line per problem (the first line's <c>error: </c> is written by the caller).</summary>
        public static CliException ParameterErrors(IEnumerable<string> errors) =>
            new(string.Join(Environment.NewLine + "error: ", errors.Select(e => "--param " + e)));

        public void WriteJson<T>(T value) => Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, CliJson.Options));
    }
}
