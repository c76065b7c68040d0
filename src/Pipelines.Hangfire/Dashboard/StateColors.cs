namespace Pipelines.Hangfire.Dashboard;

/// <summary>One colour per state, as operators know them from Airflow; the legend uses the same table.</summary>
internal static class StateColors
{
    public static readonly (TaskState State, string Color)[] Legend =
    {
        (TaskState.Success, "#28a745"),
        (TaskState.Failed, "#dc3545"),
        (TaskState.UpstreamFailed, "#fd7e14"),
        (TaskState.Skipped, "#e83e8c"),
        (TaskState.Running, "#20c997"),
        (TaskState.Queued, "#6c757d"),
        (TaskState.Scheduled, "#d2b48c"),
        (TaskState.UpForRetry, "#ffc107"),
        (TaskState.UpForReschedule, "#6f42c1"),
        (TaskState.Removed, "#adb5bd"),
        (TaskState.None, "#f8f9fa"),
    };

    public static string For(TaskState state)
    {
        foreach (var (s, color) in Legend) if (s == state) return color;
        return "#ffffff";
    }

    public static string For(RunState state) => state switch
    {
        RunState.Success => For(TaskState.Success),
        RunState.Failed => For(TaskState.Failed),
        RunState.Running => For(TaskState.Running),
        _ => For(TaskState.Queued),
    };

    public static string Text(TaskState state) => state is TaskState.None or TaskState.UpForRetry or TaskState.Scheduled ? "#212529" : "#ffffff";
}
