using System.Globalization;

namespace Pipelines.Hangfire;

/// <summary>
/// A try holding slots of a limit, as stored: a member <c>pipeline|run|task|try|slots</c> of the limit's set. A try holds
/// its slots from its start (or from the moment a freed slot was reserved for it while it waited) until it stops running.
/// </summary>
internal sealed record SlotHolder(string PipelineId, string RunId, string TaskId, int TryNumber, int Slots)
{
    public string Format() => string.Join('|', PipelineId, RunId, TaskId, TryNumber.ToString(CultureInfo.InvariantCulture), Slots.ToString(CultureInfo.InvariantCulture));

    public static SlotHolder? Parse(string member)
    {
        var parts = member.Split('|');
        if (parts.Length != 5 || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var tryNumber) || !int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var slots)) return null;
        return new SlotHolder(parts[0], parts[1], parts[2], tryNumber, slots);
    }

    public bool IsOf(string pipelineId, string runId, string taskId, int tryNumber) =>
        PipelineId == pipelineId && RunId == runId && TaskId == taskId && TryNumber == tryNumber;

    public override string ToString() => $"{PipelineId}.{TaskId} of {RunId}";
}
