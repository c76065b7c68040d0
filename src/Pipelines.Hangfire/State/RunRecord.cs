using System.Collections.Generic;
using System.Text.Json;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A run's stored record as read from its hash, with typed access to each field. The field names are private to this
/// type and <see cref="PipelineStore"/>, which writes them, so a renamed or added field is changed in one place and no
/// reader compares strings such as <c>"logicalDate"</c>.
/// </summary>
internal sealed class RunRecord
{
    internal const string PipelineField = "pipeline";
    internal const string RunField = "run";
    internal const string KindField = "kind";
    internal const string LogicalDateField = "logicalDate";
    internal const string DataStartField = "dataStart";
    internal const string DataEndField = "dataEnd";
    internal const string ParametersField = "parameters";
    internal const string StateField = "state";
    internal const string CreatedAtField = "createdAt";
    internal const string StartedAtField = "startedAt";
    internal const string EndedAtField = "endedAt";
    internal const string QueueField = "queue";
    internal const string TraceParentField = "traceParent";
    internal const string ScheduledAtField = "scheduledAt";
    /// <summary>How many of the run's tasks are finished, kept by <see cref="UpstreamTally"/> (absent until the run was counted whole).</summary>
    internal const string FinishedTasksField = "finishedTasks";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly IReadOnlyDictionary<string, string> _fields;

    private RunRecord(IReadOnlyDictionary<string, string> fields) => _fields = fields;

    /// <summary>The record's fields as stored.</summary>
    public IReadOnlyDictionary<string, string> Fields => _fields;

    /// <summary>The record in <paramref name="fields"/>, or null when the hash is missing or empty (no such run).</summary>
    public static RunRecord? Of(IReadOnlyDictionary<string, string>? fields) => fields is null || fields.Count == 0 ? null : new RunRecord(fields);

    /// <summary>The logical date, or null in a record without one.</summary>
    public LocalDate? LogicalDate => Text(LogicalDateField) is { } date ? PipelineStore.ParseDate(date) : null;

    /// <summary>The logical date as stored (ISO), for job names.</summary>
    public string? LogicalDateText => Text(LogicalDateField);

    /// <summary>The run's state, or null in a record without one.</summary>
    public RunState? State => _fields.TryGetValue(StateField, out var state) ? RunStates.Parse(state) : null;

    /// <summary>What created the run, or null in a record without it.</summary>
    public RunKind? Kind => Text(KindField) is { } kind && System.Enum.TryParse<RunKind>(kind, ignoreCase: true, out var parsed) ? parsed : null;

    /// <summary>The data interval (either end may be open).</summary>
    public Interval DataInterval => new(PipelineStore.ParseInstant(Text(DataStartField)), PipelineStore.ParseInstant(Text(DataEndField)));

    /// <summary>The parameters the run was triggered with.</summary>
    public Dictionary<string, string> Parameters =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Text(ParametersField) ?? "{}", s_json) ?? new Dictionary<string, string>();

    public Instant? CreatedAt => PipelineStore.ParseInstant(Text(CreatedAtField));

    public Instant? StartedAt => PipelineStore.ParseInstant(Text(StartedAtField));

    public Instant? EndedAt => PipelineStore.ParseInstant(Text(EndedAtField));

    public Instant? ScheduledAt => PipelineStore.ParseInstant(Text(ScheduledAtField));

    /// <summary>The queue every task of the run goes to, when it was created for one process.</summary>
    public string? Queue => Text(QueueField);

    /// <summary>The run's trace context (W3C traceparent).</summary>
    public string? TraceParent => Text(TraceParentField);

    /// <summary>The fields a coordination step needs besides task states.</summary>
    public RunFacts Facts => new(LogicalDateText, Queue) { StartedAt = StartedAt, TraceParent = TraceParent };

    /// <summary>The run's sort score (<see cref="PipelineStore.Score"/>), or null when the record lacks its date or creation time.</summary>
    public double? Score => LogicalDate is { } date && CreatedAt is { } created ? PipelineStore.Score(date, created) : null;

    // An empty field is a cleared one (Hangfire transactions cannot remove a hash field).
    private string? Text(string field) => _fields.TryGetValue(field, out var value) && value.Length > 0 ? value : null;
}
