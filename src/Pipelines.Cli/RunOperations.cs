using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NodaTime;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>What the run commands need: the runtime in this process, or a running <c>serve</c> reached over its JSON API.</summary>
internal interface IRunOperations : IAsyncDisposable
{
    string Describe { get; }

    Task<string> TriggerAsync(string pipelineId, LocalDate date, IReadOnlyDictionary<string, string> parameters);

    Task<PipelineRun?> GetRunAsync(string pipelineId, string runId);

    Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string pipelineId, int limit);

    Task<IReadOnlyList<string>> ClearAsync(string pipelineId, string runId, IReadOnlyList<string> taskIds, ClearScope scope, bool onlyFailed);

    Task<IReadOnlyList<string>> BackfillAsync(string pipelineId, LocalDate from, LocalDate to, IReadOnlyDictionary<string, string> parameters);

    Task<string?> GetOutputAsync(string pipelineId, string runId, string taskId);

    Task<IReadOnlyList<TaskLogLine>> GetLogAsync(string pipelineId, string runId, string taskId);

    /// <summary>Why a task of a run is (or is not) running, reason by reason.</summary>
    Task<IReadOnlyList<TaskDependency>> ExplainAsync(string pipelineId, string runId, string taskId);

    /// <summary>Pauses or unpauses a pipeline; false when it already was so.</summary>
    Task<bool> SetPausedAsync(string pipelineId, bool paused);

    /// <summary>The ids of the paused pipelines, in one read.</summary>
    Task<IReadOnlySet<string>> PausedPipelinesAsync();

    /// <summary>Every pool with its slots and how many are running, queued and open.</summary>
    Task<IReadOnlyList<PoolStatus>> PoolsAsync();

    /// <summary>Records an asset event from outside and starts the pipelines scheduled on it whose condition now holds.</summary>
    Task<PostedAssetEvent> PostAssetEventAsync(string asset, LocalDate partition, IReadOnlyDictionary<string, string> extra);

    /// <summary>The newest events of an asset, newest first.</summary>
    Task<IReadOnlyList<AssetEvent>> AssetEventsAsync(string asset, int limit);

    /// <summary>Where an asset-scheduled pipeline stands for a partition (when null, the one its last event arrived for).</summary>
    Task<AssetReadiness> ExplainAssetsAsync(string pipelineId, LocalDate? partition);
}

/// <summary>The runtime in this process, on the command's storage; with <c>--local</c>, its new runs go to this process's own queue.</summary>
internal sealed class LocalRunOperations(CliRuntime runtime, StorageSpec storage) : IRunOperations
{
    private PipelineOperations Operations => runtime.Operations;

    public string Describe => storage.Describe();

    public CliRuntime Runtime => runtime;

    private readonly List<(string Pipeline, string Run)> _ownRuns = new();

    public Task<string> TriggerAsync(string pipelineId, LocalDate date, IReadOnlyDictionary<string, string> parameters)
    {
        var runId = Operations.Trigger(pipelineId, date, parameters, queue: runtime.Server?.RunQueue);
        if (runtime.Server?.RunQueue is not null) _ownRuns.Add((pipelineId, runId));
        return Task.FromResult(runId);
    }

    public Task<PipelineRun?> GetRunAsync(string pipelineId, string runId) => Task.FromResult(Operations.GetRun(pipelineId, runId));

    public Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string pipelineId, int limit) => Task.FromResult(Operations.ListRuns(pipelineId, limit));

    public Task<IReadOnlyList<string>> ClearAsync(string pipelineId, string runId, IReadOnlyList<string> taskIds, ClearScope scope, bool onlyFailed) =>
        Task.FromResult(Operations.Clear(pipelineId, runId, taskIds, scope, onlyFailed));

    public Task<IReadOnlyList<string>> BackfillAsync(string pipelineId, LocalDate from, LocalDate to, IReadOnlyDictionary<string, string> parameters)
    {
        var runIds = Operations.Backfill(pipelineId, from, to, parameters, runtime.Server?.RunQueue);
        if (runtime.Server?.RunQueue is not null) _ownRuns.AddRange(runIds.Select(id => (pipelineId, id)));
        return Task.FromResult(runIds);
    }

    public Task<string?> GetOutputAsync(string pipelineId, string runId, string taskId) => Task.FromResult(Operations.GetOutput(pipelineId, runId, taskId));

    public Task<IReadOnlyList<TaskLogLine>> GetLogAsync(string pipelineId, string runId, string taskId) => Task.FromResult(Operations.GetLog(pipelineId, runId, taskId));

    public Task<IReadOnlyList<TaskDependency>> ExplainAsync(string pipelineId, string runId, string taskId) => Task.FromResult(Operations.Explain(pipelineId, runId, taskId));

    public Task<bool> SetPausedAsync(string pipelineId, bool paused) => Task.FromResult(paused ? Operations.Pause(pipelineId) : Operations.Unpause(pipelineId));

    public Task<IReadOnlySet<string>> PausedPipelinesAsync() => Task.FromResult(Operations.PausedPipelines());

    public Task<IReadOnlyList<PoolStatus>> PoolsAsync() => Task.FromResult(Operations.Pools());

    public Task<PostedAssetEvent> PostAssetEventAsync(string asset, LocalDate partition, IReadOnlyDictionary<string, string> extra) =>
        Task.FromResult(Operations.PostAssetEvent(asset, partition, extra));

    public Task<IReadOnlyList<AssetEvent>> AssetEventsAsync(string asset, int limit) => Task.FromResult(Operations.AssetEvents(asset, limit));

    public Task<AssetReadiness> ExplainAssetsAsync(string pipelineId, LocalDate? partition) => Task.FromResult(Operations.ExplainAssets(pipelineId, partition));

    /// <summary>
    /// Stops this process's server; with --local, the runs it created and did not finish (Ctrl-C) go back to the
    /// servers' queues, so they are not left on a queue nobody listens to once this process is gone.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await runtime.StopAsync().ConfigureAwait(false);
        foreach (var (pipelineId, runId) in _ownRuns)
        {
            try
            {
                Operations.ReturnToServers(pipelineId, runId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The storage is unreachable: the run keeps its queue, and a later --local (or clear) must take it up.
            }
        }
        await runtime.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A running <c>serve</c>, through the JSON API it exposes beside the dashboard.</summary>
internal sealed class HttpRunOperations : IRunOperations
{
    private readonly HttpClient _http;

    private HttpRunOperations(HttpClient http) => _http = http;

    public string Describe => $"the server at {_http.BaseAddress}";

    public static async Task<HttpRunOperations> ConnectAsync(string server, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            throw new CliException($"--server '{server}' is not an http:// URL; pass the address 'serve' printed, such as http://127.0.0.1:5000.");
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // The token file is this machine's: it is sent only to a serve on this machine, never to another host's port.
        if (baseAddress.IsLoopback && ServeToken.Read(baseAddress.Port) is { } token) http.DefaultRequestHeaders.Add(ServeToken.Header, token);
        try
        {
            using var response = await http.GetAsync("api/pipelines", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw new CliException($"{baseAddress} answered {(int)response.StatusCode} at api/pipelines: is it a Pipelines 'serve'?", exitCode: 3);
        }
        catch (HttpRequestException ex)
        {
            http.Dispose();
            throw new CliException($"cannot reach a Pipelines server at {baseAddress}: {ex.Message} Start one with 'serve', or pass --storage for shared state.", exitCode: 3);
        }
        return new HttpRunOperations(http);
    }

    public async Task<string> TriggerAsync(string pipelineId, LocalDate date, IReadOnlyDictionary<string, string> parameters)
    {
        var body = await Post<TriggerResponse>($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/trigger", new TriggerRequest(date.ToString("uuuu-MM-dd", null), parameters)).ConfigureAwait(false);
        return body.Run;
    }

    public async Task<PipelineRun?> GetRunAsync(string pipelineId, string runId)
    {
        using var response = await _http.GetAsync($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/runs/{Uri.EscapeDataString(runId)}").ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<PipelineRun>(ApiJson.Options).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string pipelineId, int limit)
    {
        using var response = await _http.GetAsync($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/runs?limit={limit}").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<PipelineRun>>(ApiJson.Options).ConfigureAwait(false) ?? new List<PipelineRun>();
    }

    public async Task<IReadOnlyList<string>> ClearAsync(string pipelineId, string runId, IReadOnlyList<string> taskIds, ClearScope scope, bool onlyFailed) =>
        await Post<List<string>>($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/runs/{Uri.EscapeDataString(runId)}/clear",
            new ClearRequest(taskIds, scope.HasFlag(ClearScope.Downstream), scope.HasFlag(ClearScope.Upstream), onlyFailed)).ConfigureAwait(false);

    public async Task<IReadOnlyList<string>> BackfillAsync(string pipelineId, LocalDate from, LocalDate to, IReadOnlyDictionary<string, string> parameters) =>
        await Post<List<string>>($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/backfill",
            new BackfillRequest(from.ToString("uuuu-MM-dd", null), to.ToString("uuuu-MM-dd", null), parameters)).ConfigureAwait(false);

    public async Task<string?> GetOutputAsync(string pipelineId, string runId, string taskId)
    {
        using var response = await _http.GetAsync($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/runs/{Uri.EscapeDataString(runId)}/outputs/{Uri.EscapeDataString(taskId)}").ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NoContent) return null;
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TaskLogLine>> GetLogAsync(string pipelineId, string runId, string taskId)
    {
        using var response = await _http.GetAsync($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/runs/{Uri.EscapeDataString(runId)}/tasks/{Uri.EscapeDataString(taskId)}/log").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<TaskLogLine>>(ApiJson.Options).ConfigureAwait(false) ?? new List<TaskLogLine>();
    }

    public async Task<IReadOnlyList<TaskDependency>> ExplainAsync(string pipelineId, string runId, string taskId)
    {
        using var response = await _http.GetAsync($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/runs/{Uri.EscapeDataString(runId)}/tasks/{Uri.EscapeDataString(taskId)}/why").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<TaskDependency>>(ApiJson.Options).ConfigureAwait(false) ?? new List<TaskDependency>();
    }

    public async Task<bool> SetPausedAsync(string pipelineId, bool paused) =>
        (await Post<PauseResponse>($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/{(paused ? "pause" : "unpause")}", new { }).ConfigureAwait(false)).Changed;

    public async Task<IReadOnlySet<string>> PausedPipelinesAsync()
    {
        using var response = await _http.GetAsync("api/pipelines").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        var pipelines = await response.Content.ReadFromJsonAsync<List<PipelineSummary>>(ApiJson.Options).ConfigureAwait(false) ?? new List<PipelineSummary>();
        return pipelines.Where(p => p.Paused).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<PoolStatus>> PoolsAsync()
    {
        using var response = await _http.GetAsync("api/pools").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<PoolStatus>>(ApiJson.Options).ConfigureAwait(false) ?? new List<PoolStatus>();
    }

    public async Task<PostedAssetEvent> PostAssetEventAsync(string asset, LocalDate partition, IReadOnlyDictionary<string, string> extra) =>
        await Post<PostedAssetEvent>($"api/assets/{Uri.EscapeDataString(asset)}/events", new AssetEventRequest(partition.ToString("uuuu-MM-dd", null), extra)).ConfigureAwait(false);

    public async Task<IReadOnlyList<AssetEvent>> AssetEventsAsync(string asset, int limit)
    {
        using var response = await _http.GetAsync($"api/assets/{Uri.EscapeDataString(asset)}/events?limit={limit}").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<AssetEvent>>(ApiJson.Options).ConfigureAwait(false) ?? new List<AssetEvent>();
    }

    public async Task<AssetReadiness> ExplainAssetsAsync(string pipelineId, LocalDate? partition)
    {
        var query = partition is { } day ? "?partition=" + day.ToString("uuuu-MM-dd", null) : "";
        using var response = await _http.GetAsync($"api/pipelines/{Uri.EscapeDataString(pipelineId)}/assets/why{query}").ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<AssetReadiness>(ApiJson.Options).ConfigureAwait(false))!;
    }

    private async Task<T> Post<T>(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body, ApiJson.Options).ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options).ConfigureAwait(false))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        string message;
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            // Run parameter problems come one per line, as the command line prints its own.
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                throw PipelinesCli.CliContext.ParameterErrors(errors.EnumerateArray().Select(e => e.GetString() ?? ""));
            message = root.GetProperty("error").GetString() ?? text;
        }
        catch (JsonException) { message = text; }
        throw new CliException(message, exitCode: (int)response.StatusCode is >= 400 and < 500 ? 2 : 3);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed record TriggerRequest(string Date, IReadOnlyDictionary<string, string>? Parameters);

internal sealed record TriggerResponse(string Run);

/// <summary>What the API's pipeline list says of each pipeline that the CLI reads back.</summary>
internal sealed record PipelineSummary(string Id, bool Paused);

/// <summary>A pipeline's pause state after a request, and whether the request changed it.</summary>
internal sealed record PauseResponse(bool Paused, bool Changed);

internal sealed record ClearRequest(IReadOnlyList<string> Tasks, bool Downstream, bool Upstream, bool OnlyFailed);

/// <summary>An asset event posted from outside: its partition (yyyy-MM-dd) and extra data.</summary>
internal sealed record AssetEventRequest(string Partition, IReadOnlyDictionary<string, string>? Extra);

internal sealed record BackfillRequest(string From, string To, IReadOnlyDictionary<string, string>? Parameters);

internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = TaskDataSerializer.CreateDefaultOptions();
}
