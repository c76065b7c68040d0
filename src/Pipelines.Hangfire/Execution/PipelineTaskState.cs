using System.Collections.Generic;
using System.Globalization;
using Hangfire.States;

namespace Pipelines.Hangfire;

/// <summary>
/// A history entry (not a state change) added to each task job when it is created, so Hangfire's job page names the
/// task instance behind the job and links to it. Hangfire's job details renderers are internal in 1.8; its history
/// renderers are the public way to put our content on that page.
/// </summary>
internal sealed class PipelineTaskState(string pipelineId, string runId, string taskId, int tryNumber) : IState
{
    public const string StateName = "Pipeline task";

    public string Name => StateName;

    // No reason: the entry's data renders the same words as a link (PipelinesDashboard), and every task job keeps its
    // entry for as long as the job is kept.
    public string? Reason => null;

    public bool IsFinal => false;

    public bool IgnoreJobLoadException => false;

    public Dictionary<string, string> SerializeData() => new()
    {
        ["Pipeline"] = pipelineId,
        ["Run"] = runId,
        ["Task"] = taskId,
        ["Try"] = tryNumber.ToString(CultureInfo.InvariantCulture),
    };
}
