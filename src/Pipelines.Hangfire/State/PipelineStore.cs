using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using NodaTime;
using NodaTime.Text;

namespace Pipelines.Hangfire;

/// <summary>
/// Where runs, task instances and outputs live in Hangfire's own storage (hashes and sorted sets), so any storage that
/// carries Hangfire's jobs carries pipeline state too. Nothing here expires: retention is explicit.
/// </summary>
internal static class PipelineStore
{
    private const string Prefix = "pipelines:";

    public static string RunKey(string pipelineId, string runId) => RunScoped(RunScopedKey.Run, pipelineId, runId);

    public static string TasksKey(string pipelineId, string runId) => RunScoped(RunScopedKey.Tasks, pipelineId, runId);

    /// <summary>The run's running counts of upstream states per task and of finished tasks (<see cref="UpstreamTally"/>).</summary>
    public static string TallyKey(string pipelineId, string runId) => RunScoped(RunScopedKey.Tally, pipelineId, runId);

    public static string OutputsKey(string pipelineId, string runId) => RunScoped(RunScopedKey.Outputs, pipelineId, runId);

    /// <summary>The log lines a task kept in a run, over all its tries (a hash: see <see cref="AddLogLines"/>).</summary>
    public static string LogKey(string pipelineId, string runId, string taskId) => $"{Prefix}run:{pipelineId}:{runId}:log:{taskId}";

    /// <summary>The results of a run's tries, kept as soon as each try ends (see <see cref="RecordedResults"/>).</summary>
    public static string ResultsKey(string pipelineId, string runId) => RunScoped(RunScopedKey.Results, pipelineId, runId);

    /// <summary>When each running try of a run was last heard from (see <see cref="TryHeartbeat"/>).</summary>
    public static string AliveKey(string pipelineId, string runId) => RunScoped(RunScopedKey.Alive, pipelineId, runId);

    /// <summary>Every run of a pipeline, scored by logical date then creation, so the newest sort last.</summary>
    public static string RunsKey(string pipelineId) => $"{Prefix}runs:{pipelineId}";

    /// <summary>Runs of a pipeline that are running.</summary>
    public static string ActiveKey(string pipelineId) => $"{Prefix}active:{pipelineId}";

    /// <summary>Runs of a pipeline waiting for a slot under MaxActiveRuns, oldest first.</summary>
    public static string WaitingKey(string pipelineId) => $"{Prefix}waiting:{pipelineId}";

    /// <summary>Every run that is not finished, as "pipeline|run", for the reconciler.</summary>
    public const string UnfinishedKey = Prefix + "unfinished";

    /// <summary>When each pipeline's schedule last fired (pipeline id → instant).</summary>
    public const string ScheduleKey = Prefix + "schedule";

    /// <summary>When the reconciler last finished a pass (field <c>lastPass</c>), for the health check.</summary>
    public const string ReconcilerKey = Prefix + "reconciler";

    public static string RunLock(string pipelineId, string runId) => RunScoped(RunScopedKey.Lock, pipelineId, runId);

    private enum RunScopedKey { Run, Tasks, Tally, Outputs, Results, Alive, Lock, Count }

    // The keys of the run a thread last worked on, by kind: a try's start and end, and the step that applies it, name
    // the same run's keys a dozen times, and built each time they were a tenth of what a try's start allocated.
    [ThreadStatic] private static string?[]? t_runScoped;

    private static string RunScoped(RunScopedKey kind, string pipelineId, string runId)
    {
        var cache = t_runScoped ??= new string?[(int)RunScopedKey.Count * 3];
        var at = (int)kind * 3;
        if (cache[at + 2] is { } known && string.Equals(cache[at], pipelineId, StringComparison.Ordinal) && string.Equals(cache[at + 1], runId, StringComparison.Ordinal))
            return known;
        var key = kind switch
        {
            RunScopedKey.Run => $"{Prefix}run:{pipelineId}:{runId}",
            RunScopedKey.Tasks => $"{Prefix}run:{pipelineId}:{runId}:tasks",
            RunScopedKey.Tally => $"{Prefix}run:{pipelineId}:{runId}:tally",
            RunScopedKey.Outputs => $"{Prefix}run:{pipelineId}:{runId}:outputs",
            RunScopedKey.Results => $"{Prefix}run:{pipelineId}:{runId}:results",
            RunScopedKey.Alive => $"{Prefix}run:{pipelineId}:{runId}:alive",
            RunScopedKey.Lock => $"{Prefix}lock:run:{pipelineId}:{runId}",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        cache[at] = pipelineId;
        cache[at + 1] = runId;
        cache[at + 2] = key;
        return key;
    }

    public static string PipelineLock(string pipelineId) => $"{Prefix}lock:pipeline:{pipelineId}";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static string Format(Instant instant) => InstantText.Format(instant);

    public static Instant? ParseInstant(string? text) => InstantText.Parse(text);

    public static string Format(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static LocalDate ParseDate(string text) => LocalDatePattern.Iso.Parse(text).Value;

    /// <summary>Sort score of a run: days since the epoch, with the creation time of day as the fraction.</summary>
    public static double Score(LocalDate logicalDate, Instant createdAt) =>
        Period.DaysBetween(new LocalDate(1970, 1, 1), logicalDate) + (createdAt.ToUnixTimeMilliseconds() % 86_400_000L) / 86_400_000.0;

    // ---- runs -------------------------------------------------------------------------------------------------

    public static void WriteRun(IWriteOnlyTransaction transaction, PipelineRun run)
    {
        transaction.SetRangeInHash(RunKey(run.PipelineId, run.RunId), new Dictionary<string, string>
        {
            [RunRecord.PipelineField] = run.PipelineId,
            [RunRecord.RunField] = run.RunId,
            [RunRecord.KindField] = run.Kind.ToString().ToLowerInvariant(),
            [RunRecord.LogicalDateField] = Format(run.LogicalDate),
            [RunRecord.DataStartField] = run.DataInterval.HasStart ? Format(run.DataInterval.Start) : "",
            [RunRecord.DataEndField] = run.DataInterval.HasEnd ? Format(run.DataInterval.End) : "",
            [RunRecord.ParametersField] = JsonSerializer.Serialize(run.Parameters, s_json),
            [RunRecord.StateField] = run.State.Name(),
            [RunRecord.CreatedAtField] = Format(run.CreatedAt),
            [RunRecord.StartedAtField] = run.StartedAt is { } s ? Format(s) : "",
            [RunRecord.EndedAtField] = run.EndedAt is { } e ? Format(e) : "",
            [RunRecord.QueueField] = run.Queue ?? "",
            [RunRecord.TraceParentField] = run.TraceParent ?? "",
            [RunRecord.ScheduledAtField] = run.ScheduledAt is { } at ? Format(at) : "",
        });
    }

    /// <summary>Sets or forgets (null) the queue every task of a run goes to.</summary>
    public static void SetRunQueue(IWriteOnlyTransaction transaction, string pipelineId, string runId, string? queue) =>
        transaction.SetRangeInHash(RunKey(pipelineId, runId), new Dictionary<string, string> { [RunRecord.QueueField] = queue ?? "" });

    /// <summary>A run's record, or null when there is no such run.</summary>
    public static RunRecord? ReadRunRecord(IStorageConnection connection, string pipelineId, string runId) =>
        RunRecord.Of(connection.GetAllEntriesFromHash(RunKey(pipelineId, runId)));

    public static void SetRunState(IWriteOnlyTransaction transaction, string pipelineId, string runId, RunState state, Instant? startedAt = null, Instant? endedAt = null)
    {
        var fields = new Dictionary<string, string> { [RunRecord.StateField] = state.Name() };
        if (startedAt is { } s) fields[RunRecord.StartedAtField] = Format(s);
        if (endedAt is { } e) fields[RunRecord.EndedAtField] = Format(e);
        if (!state.IsFinished()) fields[RunRecord.EndedAtField] = "";
        transaction.SetRangeInHash(RunKey(pipelineId, runId), fields);
    }

    public static PipelineRun? ReadRun(IStorageConnection connection, PipelineDefinition pipeline, string runId)
    {
        if (ReadRunRecord(connection, pipeline.Id, runId) is not { } record) return null;
        return Run(pipeline, runId, record, ReadTaskRecords(connection, pipeline.Id, runId),
            record.Kind == RunKind.Asset ? AssetStore.TriggeredBy(connection, pipeline.Id, runId) : null);
    }

    /// <summary>
    /// The runs <paramref name="runIds"/> names, in that order, leaving out any there is no record of: read together where
    /// <paramref name="storage"/> reads many hashes at once (<see cref="IPipelineHashReadStorage"/>: one read, and two more
    /// when some are asset-triggered), else a run at a time (<see cref="ReadRun"/>).
    /// </summary>
    public static IReadOnlyList<PipelineRun> ReadRuns(JobStorage storage, IStorageConnection connection, PipelineDefinition pipeline, IReadOnlyList<string> runIds)
    {
        var runs = new List<PipelineRun>(runIds.Count);
        if (storage is not IPipelineHashReadStorage hashes)
        {
            foreach (var runId in runIds)
                if (ReadRun(connection, pipeline, runId) is { } run) runs.Add(run);
            return runs;
        }
        var keys = new List<string>(runIds.Count * 2);
        foreach (var runId in runIds)
        {
            keys.Add(RunKey(pipeline.Id, runId));
            keys.Add(TasksKey(pipeline.Id, runId));
        }
        var read = hashes.ReadHashes(keys);
        var records = new List<(string RunId, RunRecord Record)>(runIds.Count);
        foreach (var runId in runIds)
            if (RunRecord.Of(read.GetValueOrDefault(RunKey(pipeline.Id, runId))) is { } record) records.Add((runId, record));
        // An asset-triggered run also shows the events that started it: two more reads for all such runs together.
        var triggered = AssetStore.TriggeredBy(hashes, pipeline.Id, records.Where(r => r.Record.Kind == RunKind.Asset).Select(r => r.RunId).Distinct(StringComparer.Ordinal).ToList());
        foreach (var (runId, record) in records)
            runs.Add(Run(pipeline, runId, record, read.GetValueOrDefault(TasksKey(pipeline.Id, runId)) ?? new Dictionary<string, string>(), triggered.GetValueOrDefault(runId)));
        return runs;
    }

    /// <summary>
    /// The records of the runs <paramref name="runIds"/> names, by run id, leaving out any there is no record of: in one
    /// read where <paramref name="storage"/> reads many hashes at once (<see cref="IPipelineHashReadStorage"/>), else a run
    /// at a time. What the deadline watcher and its health check read of every unfinished run.
    /// </summary>
    public static Dictionary<string, RunRecord> ReadRunRecords(JobStorage storage, IStorageConnection connection, string pipelineId, IReadOnlyCollection<string> runIds)
    {
        var records = new Dictionary<string, RunRecord>(runIds.Count, StringComparer.Ordinal);
        if (runIds.Count == 0) return records;
        if (storage is not IPipelineHashReadStorage hashes)
        {
            foreach (var runId in runIds)
                if (ReadRunRecord(connection, pipelineId, runId) is { } record) records[runId] = record;
            return records;
        }
        var read = hashes.ReadHashes(runIds.Select(runId => RunKey(pipelineId, runId)).ToList());
        foreach (var runId in runIds)
            if (RunRecord.Of(read.GetValueOrDefault(RunKey(pipelineId, runId))) is { } record) records[runId] = record;
        return records;
    }

    /// <summary>A run from its record, its task records (task id → record) and, for an asset-triggered run, the events that started it, however they were read.</summary>
    private static PipelineRun Run(PipelineDefinition pipeline, string runId, RunRecord record, Dictionary<string, string> records, IReadOnlyList<AssetEvent>? triggeredBy)
    {
        var tasks = ReadTasks(pipeline, records);
        return new PipelineRun(
            pipeline.Id,
            runId,
            record.Kind ?? throw new InvalidOperationException($"Run '{runId}' of pipeline '{pipeline.Id}' has no kind."),
            record.LogicalDate ?? throw new InvalidOperationException($"Run '{runId}' of pipeline '{pipeline.Id}' has no logical date."),
            record.DataInterval,
            record.Parameters,
            record.State ?? throw new InvalidOperationException($"Run '{runId}' of pipeline '{pipeline.Id}' has no state."),
            record.CreatedAt ?? throw new InvalidOperationException($"Run '{runId}' of pipeline '{pipeline.Id}' has no creation time."),
            record.StartedAt,
            record.EndedAt,
            pipeline.Tasks.Select(t => tasks[t.Id]).ToImmutableArray())
        {
            Queue = record.Queue,
            TraceParent = record.TraceParent,
            ScheduledAt = record.ScheduledAt,
            TriggeredBy = triggeredBy,
            Instances = ReadInstances(pipeline, tasks, records),
        };
    }

    /// <summary>
    /// Run ids of a pipeline, newest logical date first. Ordered by score, which not every storage's
    /// <c>GetRangeFromSet</c> does (Hangfire.PostgreSql orders it by insertion, so a backfill of old dates would come
    /// first); <c>GetFirstByLowestScoreFromSet</c> with a count is ordered by score everywhere. Scores are days since
    /// the epoch, so the newest runs are read from a window of recent days (twice as many as runs wanted, at least two
    /// weeks), widened fourfold until it holds enough: a page of the last 25 runs of a pipeline with years of history
    /// reads a few dozen ids, not all of them.
    /// </summary>
    public static IReadOnlyList<string> ListRunIds(IStorageConnection connection, string pipelineId, int count, LocalDate today)
    {
        if (connection is not JobStorageConnection storage || count <= 0) return Array.Empty<string>();
        var total = (int)storage.GetSetCount(RunsKey(pipelineId));
        if (total == 0) return Array.Empty<string>();
        var top = Period.DaysBetween(new LocalDate(1970, 1, 1), today) + 2.0;
        List<string> ids;
        for (var window = Math.Max(14.0, count * 2.0); ; window *= 4)
        {
            ids = storage.GetFirstByLowestScoreFromSet(RunsKey(pipelineId), top - window, double.MaxValue, total);
            if (ids.Count >= count || ids.Count >= total || window > 400_000) break;
        }
        if (ids.Count < Math.Min(count, total)) ids = OldestFirst(connection, RunsKey(pipelineId), total);
        var newest = new List<string>(Math.Min(count, ids.Count));
        for (var i = ids.Count - 1; i >= 0 && newest.Count < count; i--) newest.Add(ids[i]);
        return newest;
    }

    /// <summary>The <paramref name="count"/> members of a sorted set with the lowest scores, lowest first.</summary>
    public static List<string> OldestFirst(IStorageConnection connection, string key, int count)
    {
        if (connection is not JobStorageConnection storage)
            throw new NotSupportedException("Pipelines needs a Hangfire storage whose connections are JobStorageConnection (Hangfire 1.7+ storages are).");
        return count <= 0 ? new List<string>() : storage.GetFirstByLowestScoreFromSet(key, double.MinValue, double.MaxValue, count);
    }

    // ---- task instances ---------------------------------------------------------------------------------------

    public static Dictionary<string, TaskInstance> ReadTasks(IStorageConnection connection, PipelineDefinition pipeline, string runId) =>
        ReadTasks(pipeline, ReadTaskRecords(connection, pipeline.Id, runId));

    private static Dictionary<string, TaskInstance> ReadTasks(PipelineDefinition pipeline, Dictionary<string, string> stored)
    {
        var result = new Dictionary<string, TaskInstance>(pipeline.Tasks.Length, StringComparer.Ordinal);
        foreach (var task in pipeline.Tasks)
        {
            result[task.Id] = stored.TryGetValue(task.Id, out var record) ? ParseTask(task.Id, record) : TaskInstance.Fresh(task.Id);
        }
        return result;
    }

    /// <summary>The instances of each mapped task that expanded, in map-index order (a missing record reads as fresh).</summary>
    private static ImmutableDictionary<string, ImmutableArray<TaskInstance>> ReadInstances(PipelineDefinition pipeline, Dictionary<string, TaskInstance> tasks, Dictionary<string, string> stored)
    {
        var result = ImmutableDictionary.CreateBuilder<string, ImmutableArray<TaskInstance>>(StringComparer.Ordinal);
        foreach (var task in pipeline.Tasks)
        {
            if (task.MapOver is null || tasks[task.Id].MapLength is not { } length) continue;
            var instances = ImmutableArray.CreateBuilder<TaskInstance>(length);
            for (var i = 0; i < length; i++)
            {
                var key = MapKey.Of(task.Id, i);
                instances.Add(stored.TryGetValue(key, out var record) && record.Length > 0 ? ParseTask(key, record) : TaskInstance.Fresh(key));
            }
            result[task.Id] = instances.MoveToImmutable();
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// The output of a mapped task as its downstream tasks read it: the outputs of its instances as one JSON array, in
    /// map-index order, leaving out instances that recorded none (failed or skipped, as Airflow's lazy sequence of a
    /// mapped task's results leaves out missing ones); null when the task has not expanded.
    /// </summary>
    public static string? GetMappedOutput(IStorageConnection connection, string pipelineId, string runId, string taskId)
    {
        var records = ReadTaskRecords(connection, pipelineId, runId);
        if (!records.TryGetValue(taskId, out var record) || record.Length == 0 || ParseTask(taskId, record).MapLength is not { } length) return null;
        var outputs = GetOutputs(connection, pipelineId, runId);
        var json = new System.Text.StringBuilder("[");
        var first = true;
        for (var i = 0; i < length; i++)
        {
            if (!outputs.TryGetValue(MapKey.Of(taskId, i), out var element) || element.Length == 0) continue;
            if (!first) json.Append(',');
            json.Append(element);
            first = false;
        }
        return json.Append(']').ToString();
    }

    /// <summary>The stored task records of a run, unparsed (task id → record).</summary>
    public static Dictionary<string, string> ReadTaskRecords(IStorageConnection connection, string pipelineId, string runId) =>
        connection.GetAllEntriesFromHash(TasksKey(pipelineId, runId)) ?? new Dictionary<string, string>();

    /// <summary>Writes the records of <paramref name="tasks"/> in <paramref name="transaction"/>; returns them as written (task id → record).</summary>
    public static List<KeyValuePair<string, string>> WriteTasks(IWriteOnlyTransaction transaction, string pipelineId, string runId, IEnumerable<TaskInstance> tasks)
    {
        // A list, not a dictionary: the tasks are distinct (a step's changes, a run's tasks), and most steps write one or two.
        var fields = new List<KeyValuePair<string, string>>(tasks is ICollection<TaskInstance> known ? known.Count : 4);
        foreach (var task in tasks) fields.Add(new(task.TaskId, Serialize(task)));
        if (fields.Count > 0) transaction.SetRangeInHash(TasksKey(pipelineId, runId), fields);
        return fields;
    }

    /// <summary>
    /// A task record is its state's name, a '|', then the rest as JSON (<c>success|{"try":1,...}</c>), so the trigger
    /// rules can read the states of many tasks without parsing their records.
    /// </summary>
    /// <summary>Whether every task of the pipeline has a record in a terminal state (a task with no record is undecided).</summary>
    public static bool AllTerminal(PipelineDefinition pipeline, IReadOnlyDictionary<string, string> records) =>
        pipeline.Tasks.All(t => records.TryGetValue(t.Id, out var record) && StateOf(record).IsTerminal());

    public static TaskState StateOf(string record)
    {
        // A record written before the prefix is plain JSON, whose text may hold a '|' of its own.
        var bar = record.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && record[0] != '{' ? TaskStates.Parse(record.AsSpan(0, bar)) : ParseTask("", record).State;
    }

    public static TaskInstance ParseTask(string taskId, string record)
    {
        // The record this process wrote, read back as the same string (Hangfire.InMemory's): the task it was written from.
        if (TaskRecordMemo.Find(taskId, record) is { } written) return written;
        var bar = record.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || record[0] == '{') return Deserialize(taskId, record, null);
        var state = TaskStates.Parse(record.AsSpan(0, bar));
        var json = record.AsSpan(bar + 1);
        return TaskRecordText.TryRead(taskId, json, state) ?? Deserialize(taskId, json, state);
    }

    /// <summary>A task's record as stored: its state's name, a '|', then the rest as JSON (<see cref="TaskRecordText"/>).</summary>
    public static string Serialize(TaskInstance task)
    {
        var record = TaskRecordText.Write(task);
        TaskRecordMemo.Keep(record, task);
        return record;
    }

    /// <summary>A record's JSON read by the serializer: records in any shape it accepts (<see cref="TaskRecordText.TryRead"/> reads those written as this version writes them).</summary>
    internal static TaskInstance Deserialize(string taskId, ReadOnlySpan<char> json, TaskState? state)
    {
        var stored = JsonSerializer.Deserialize<StoredTask>(json, s_json)!;
        return new TaskInstance(
            taskId,
            state ?? TaskStates.Parse(stored.State),
            stored.Try,
            ParseInstant(stored.Start),
            ParseInstant(stored.End),
            stored.Server,
            stored.Reason,
            stored.Jobs is null ? ImmutableArray<string>.Empty : stored.Jobs.ToImmutableArray(),
            ParseInstant(stored.FirstPoke))
        {
            FirstTry = stored.FirstTry ?? 1,
            ClearRequested = stored.Cleared ?? false,
            Execution = stored.Exec,
            MapLength = stored.Map,
        };
    }

    /// <summary>A task record's fields after its state, as the record is read (and written: <see cref="TaskRecordText"/>).</summary>
    internal sealed class StoredTask
    {
        /// <summary>Only in records written before the state moved to the record's prefix.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? State { get; set; }
        public int Try { get; set; }
        public string? Start { get; set; }
        public string? End { get; set; }
        public string? Server { get; set; }
        public string? Reason { get; set; }
        public string[]? Jobs { get; set; }
        public string? FirstPoke { get; set; }
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public int? FirstTry { get; set; }
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public bool? Cleared { get; set; }
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? Exec { get; set; }
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public int? Map { get; set; }
    }

    // ---- outputs ----------------------------------------------------------------------------------------------

    public static void SetOutput(IWriteOnlyTransaction transaction, string pipelineId, string runId, string taskId, string json) =>
        transaction.SetRangeInHash(OutputsKey(pipelineId, runId), new Dictionary<string, string> { [taskId] = json });

    public static string? GetOutput(IStorageConnection connection, string pipelineId, string runId, string taskId)
    {
        if (connection is JobStorageConnection storage) return storage.GetValueFromHash(OutputsKey(pipelineId, runId), taskId);
        var all = connection.GetAllEntriesFromHash(OutputsKey(pipelineId, runId));
        return all is not null && all.TryGetValue(taskId, out var json) ? json : null;
    }

    public static Dictionary<string, string> GetOutputs(IStorageConnection connection, string pipelineId, string runId) =>
        connection.GetAllEntriesFromHash(OutputsKey(pipelineId, runId)) ?? new Dictionary<string, string>();

    // ---- task logs ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Adds log lines to a task's log hash. A line is a field <c>try|writer|sequence</c> (short and unique: the writer is
    /// the try's log instance, so a sensor's pokes in one try never overwrite each other) with <c>time|level|message</c> as
    /// its value; values may be long, unlike set members, which Hangfire.PostgreSql indexes.
    /// </summary>
    public static void AddLogLines(IWriteOnlyTransaction transaction, string pipelineId, string runId, string taskId, IEnumerable<KeyValuePair<string, string>> lines) =>
        transaction.SetRangeInHash(LogKey(pipelineId, runId, taskId), lines);

    /// <summary>A log line as a hash entry (see <see cref="AddLogLines"/>).</summary>
    public static KeyValuePair<string, string> FormatLogLine(TaskLogLine line, long writer, long sequence) => new(
        string.Join('|', line.Try.ToString("D4", CultureInfo.InvariantCulture), writer.ToString("D19", CultureInfo.InvariantCulture), sequence.ToString("D19", CultureInfo.InvariantCulture)),
        string.Join('|', Format(line.Time), ((int)line.Level).ToString(CultureInfo.InvariantCulture), line.Message));

    /// <summary>The log lines of a task in a run, oldest first, try by try.</summary>
    public static IReadOnlyList<TaskLogLine> ReadLog(IStorageConnection connection, string pipelineId, string runId, string taskId)
    {
        var lines = new List<(TaskLogLine Line, string Field)>();
        foreach (var (field, value) in connection.GetAllEntriesFromHash(LogKey(pipelineId, runId, taskId)) ?? new Dictionary<string, string>())
        {
            var bar = field.IndexOf('|', StringComparison.Ordinal);
            var parts = value.Split('|', 3);
            if (bar <= 0 || !int.TryParse(field.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var tryNumber) || parts.Length < 3
                || InstantText.ParseOrNull(parts[0]) is not { } time || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var level)) continue;
            lines.Add((new TaskLogLine(tryNumber, time, (Microsoft.Extensions.Logging.LogLevel)level, parts[2]), field));
        }
        return lines.OrderBy(l => l.Line.Try).ThenBy(l => l.Line.Time).ThenBy(l => l.Field, StringComparer.Ordinal).Select(l => l.Line).ToList();
    }

    /// <summary>Removes a run and everything recorded for it.</summary>
    /// <remarks>The run's task records (read from <paramref name="connection"/>) say how many instances each mapped task has, whose logs go too.</remarks>
    public static void DeleteRun(IStorageConnection connection, IWriteOnlyTransaction transaction, PipelineDefinition pipeline, string runId)
    {
        if (transaction is not JobStorageTransaction storage)
            throw new NotSupportedException("Deleting runs needs a Hangfire storage whose transactions can remove hashes (JobStorageTransaction).");
        var pipelineId = pipeline.Id;
        storage.RemoveHash(RunKey(pipelineId, runId));
        storage.RemoveHash(TasksKey(pipelineId, runId));
        storage.RemoveHash(TallyKey(pipelineId, runId));
        storage.RemoveHash(OutputsKey(pipelineId, runId));
        storage.RemoveHash(ResultsKey(pipelineId, runId));
        storage.RemoveHash(AliveKey(pipelineId, runId));
        var records = pipeline.Tasks.Any(t => t.MapOver is not null) ? ReadTaskRecords(connection, pipelineId, runId) : null;
        foreach (var task in pipeline.Tasks)
        {
            storage.RemoveHash(LogKey(pipelineId, runId, task.Id));
            if (task.MapOver is null || records is null || !records.TryGetValue(task.Id, out var record) || record.Length == 0) continue;
            for (var i = 0; i < (ParseTask(task.Id, record).MapLength ?? 0); i++) storage.RemoveHash(LogKey(pipelineId, runId, MapKey.Of(task.Id, i)));
        }
        transaction.RemoveFromSet(RunsKey(pipelineId), runId);
        transaction.RemoveFromSet(ActiveKey(pipelineId), runId);
        transaction.RemoveFromSet(WaitingKey(pipelineId), runId);
        transaction.RemoveFromSet(UnfinishedKey, UnfinishedMember(pipelineId, runId));
    }

    public static string UnfinishedMember(string pipelineId, string runId) => pipelineId + "|" + runId;

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
