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

    public string Reason => $"{pipelineId}.{taskId}, try {tryNumber.ToString(CultureInfo.InvariantCulture)}, run {runId}";

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
