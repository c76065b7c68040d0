using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Pipelines.Hangfire;

/// <summary>
/// Posts events to an HTTP webhook as Slack-compatible JSON (<c>{"text": "..."}</c> plus the event's fields).
/// By default only retries, failures, failed runs, missed deadlines and manual changes are sent (<paramref name="filter"/>
/// chooses others); it hears only those (<see cref="IPipelineNotifier.Hears"/>).
/// </summary>
public sealed class WebhookNotifier(HttpClient http, Uri url, Func<PipelineEvent, bool>? filter = null) : IPipelineNotifier
{
    private readonly Func<PipelineEvent, bool> _filter = filter ?? (e =>
        e.Kind is PipelineEventKind.TaskRetry or PipelineEventKind.TaskFailed or PipelineEventKind.ManualChange
        || e.Kind is PipelineEventKind.RunFailed or PipelineEventKind.DeadlineMissed);

    /// <inheritdoc />
    public bool Hears(PipelineEvent pipelineEvent) => _filter(pipelineEvent);

    /// <inheritdoc />
    public async Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
    {
        if (!_filter(pipelineEvent)) return;
        var icon = pipelineEvent.Kind switch
        {
            PipelineEventKind.TaskFailed => ":red_circle:",
            PipelineEventKind.TaskRetry => ":warning:",
            PipelineEventKind.RunFailed => ":red_circle:",
            PipelineEventKind.RunSucceeded => ":large_green_circle:",
            PipelineEventKind.DeadlineMissed => ":alarm_clock:",
            _ => ":information_source:",
        };
        var subject = pipelineEvent.TaskId is null ? $"{pipelineEvent.PipelineId} {pipelineEvent.RunId}" : $"{pipelineEvent.PipelineId}.{pipelineEvent.TaskId} {pipelineEvent.RunId}";
        var payload = new
        {
            text = $"{icon} {subject}: {pipelineEvent.State}. {pipelineEvent.Message}",
            kind = pipelineEvent.Kind.ToString(),
            pipeline = pipelineEvent.PipelineId,
            run = pipelineEvent.RunId,
            task = pipelineEvent.TaskId,
            state = pipelineEvent.State,
            at = PipelineStore.Format(pipelineEvent.At),
        };
        // A buffered body with a Content-Length: simple webhook receivers do not accept chunked requests.
        using var content = new StringContent(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }
}
