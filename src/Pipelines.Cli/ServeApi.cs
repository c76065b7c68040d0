using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Text;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>
/// The small JSON API that <c>serve</c> exposes beside the dashboard, so CLI verbs (with <c>--server</c>) can operate a
/// server whose state lives in its memory. It answers loopback callers only, like the dashboard's default authorization,
/// addressed by a loopback name (<see cref="LoopbackHostCheck"/>), and changes state (POST) only for a caller that sends
/// the token serve wrote to a file of its user's (<see cref="ServeToken"/>).
/// </summary>
internal static class ServeApi
{
    public static void Map(WebApplication app, int port, string token)
    {
        Func<EndpointFilterInvocationContext, EndpointFilterDelegate, System.Threading.Tasks.ValueTask<object?>> guard = async (context, next) =>
        {
            var remote = context.HttpContext.Connection.RemoteIpAddress;
            if (remote is null || !IPAddress.IsLoopback(remote))
                return Results.Json(new { error = "the Pipelines API answers local requests only" }, statusCode: StatusCodes.Status403Forbidden);
            if (HttpMethods.IsPost(context.HttpContext.Request.Method)
                && !ServeToken.Matches(token, context.HttpContext.Request.Headers[ServeToken.Header].ToString() is { Length: > 0 } given ? given : null))
            {
                return Results.Json(new { error = $"this request changes state and needs the header {ServeToken.Header} with the token serve wrote to {ServeToken.PathFor(port)}; the CLI's --server sends it when run by the same user on this machine (or set {ServeToken.EnvironmentVariable})" },
                    statusCode: StatusCodes.Status401Unauthorized);
            }
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (RunParametersException ex)
            {
                // One reason per bad key or value, as the command line prints them.
                return Results.Json(new { error = ex.Message, errors = ex.Errors }, statusCode: StatusCodes.Status400BadRequest);
            }
            catch (KeyNotFoundException ex)
            {
                return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status404NotFound);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status400BadRequest);
            }
        };
        var api = app.MapGroup("/api/pipelines").AddEndpointFilter(guard);
        app.MapGroup("/api/pools").AddEndpointFilter(guard).MapGet("", (PipelineOperations ops) => Results.Json(ops.Pools(), ApiJson.Options));
        var assets = app.MapGroup("/api/assets").AddEndpointFilter(guard);
        assets.MapPost("/{asset}/events", (PipelineOperations ops, string asset, AssetEventRequest request) =>
            Results.Json(ops.PostAssetEvent(asset, Date(request.Partition), request.Extra), ApiJson.Options));
        assets.MapGet("/{asset}/events", (PipelineOperations ops, string asset, int? limit) =>
            Results.Json(ops.AssetEvents(asset, Math.Clamp(limit ?? 25, 1, 500)), ApiJson.Options));

        api.MapGet("", (PipelineOperations ops) =>
        {
            var paused = ops.PausedPipelines();
            return Results.Json(ops.Registry.All.Select(p => new { id = p.Id, schedule = p.Schedule, timeZone = p.TimeZone, calendar = p.Calendar, paused = paused.Contains(p.Id) }), ApiJson.Options);
        });
        api.MapGet("/{pipeline}/paused", (PipelineOperations ops, string pipeline) => Results.Json(new PauseResponse(ops.IsPaused(pipeline), false), ApiJson.Options));
        api.MapPost("/{pipeline}/pause", (PipelineOperations ops, string pipeline) => Results.Json(new PauseResponse(true, ops.Pause(pipeline)), ApiJson.Options));
        api.MapPost("/{pipeline}/unpause", (PipelineOperations ops, string pipeline) => Results.Json(new PauseResponse(false, ops.Unpause(pipeline)), ApiJson.Options));
        api.MapGet("/{pipeline}/runs", (PipelineOperations ops, string pipeline, int? limit) => Results.Json(ops.ListRuns(pipeline, Math.Clamp(limit ?? 25, 1, 500)), ApiJson.Options));
        api.MapGet("/{pipeline}/runs/{run}", (PipelineOperations ops, string pipeline, string run) =>
            ops.GetRun(pipeline, run) is { } found ? Results.Json(found, ApiJson.Options) : Results.Json(new { error = $"pipeline '{pipeline}' has no run '{run}'" }, statusCode: 404));
        api.MapGet("/{pipeline}/runs/{run}/outputs/{task}", (PipelineOperations ops, string pipeline, string run, string task) =>
        {
            // 204 means "this task of this run has no output (yet)", so anything unknown on the way there is a 404.
            if (!ops.Registry.TryGet(pipeline, out var definition)) return Results.Json(new { error = $"no pipeline '{pipeline}'" }, statusCode: 404);
            if (!definition.TryGetTask(task, out _)) return Results.Json(new { error = $"pipeline '{pipeline}' has no task '{task}'" }, statusCode: 404);
            if (ops.GetRun(pipeline, run) is null) return Results.Json(new { error = $"pipeline '{pipeline}' has no run '{run}'" }, statusCode: 404);
            return ops.GetOutput(pipeline, run, task) is { } json ? Results.Content(json, "application/json") : Results.NoContent();
        });
        api.MapGet("/{pipeline}/runs/{run}/tasks/{task}/log", (PipelineOperations ops, string pipeline, string run, string task) =>
            ops.GetRun(pipeline, run) is null
                ? Results.Json(new { error = $"pipeline '{pipeline}' has no run '{run}'" }, statusCode: 404)
                : Results.Json(ops.GetLog(pipeline, run, task), ApiJson.Options));
        api.MapGet("/{pipeline}/runs/{run}/tasks/{task}/why", (PipelineOperations ops, string pipeline, string run, string task) =>
            Results.Json(ops.Explain(pipeline, run, task), ApiJson.Options));
        // The same object the command line's 'why <pipeline>' and the dashboard's pipeline page print.
        api.MapGet("/{pipeline}/assets/why", (PipelineOperations ops, string pipeline, string? partition) =>
            Results.Json(ops.ExplainAssets(pipeline, partition is null ? null : Date(partition)), ApiJson.Options));
        api.MapPost("/{pipeline}/trigger", (PipelineOperations ops, string pipeline, ApiTriggerRequest request) =>
            Results.Json(new TriggerResponse(ops.Trigger(pipeline, Date(request.Date), ParameterText(request.Parameters))), ApiJson.Options));
        api.MapPost("/{pipeline}/runs/{run}/clear", (PipelineOperations ops, string pipeline, string run, ClearRequest request) =>
        {
            if (ops.GetRun(pipeline, run) is null) return Results.Json(new { error = $"pipeline '{pipeline}' has no run '{run}'" }, statusCode: 404);
            var scope = (request.Downstream ? ClearScope.Downstream : ClearScope.Task) | (request.Upstream ? ClearScope.Upstream : ClearScope.Task);
            return Results.Json(ops.Clear(pipeline, run, request.Tasks, scope, request.OnlyFailed), ApiJson.Options);
        });
        api.MapPost("/{pipeline}/backfill", (PipelineOperations ops, string pipeline, ApiBackfillRequest request) =>
        {
            var (from, to) = (Date(request.From), Date(request.To));
            if (BackfillLimit.Refusal(ops.Registry.Get(pipeline), from, to) is { } refusal)
                return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(ops.Backfill(pipeline, from, to, ParameterText(request.Parameters)), ApiJson.Options);
        });
    }

    /// <summary>
    /// Parameter values as the runtime validates them: a JSON string as it is, a number or boolean as its JSON text, an
    /// array as its elements joined with commas, so a caller may send the types the parameters' JSON Schema names or the
    /// strings the command line takes.
    /// </summary>
    private static Dictionary<string, string>? ParameterText(IReadOnlyDictionary<string, System.Text.Json.JsonElement>? values)
    {
        if (values is null) return null;
        var result = new Dictionary<string, string>(values.Count, StringComparer.Ordinal);
        foreach (var (key, value) in values) result[key] = Text(value);
        return result;

        static string Text(System.Text.Json.JsonElement value) => value.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => value.GetString() ?? "",
            System.Text.Json.JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(Text)),
            System.Text.Json.JsonValueKind.Null => "",
            _ => value.GetRawText(),
        };
    }

    /// <summary>A trigger as the API reads it: parameter values may be JSON strings, numbers, booleans or arrays.</summary>
    internal sealed record ApiTriggerRequest(string Date, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Parameters);

    /// <summary>A backfill as the API reads it: the same parameter values as a trigger's, applied to every run of the range.</summary>
    internal sealed record ApiBackfillRequest(string From, string To, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Parameters);

    private static NodaTime.LocalDate Date(string text)
    {
        var parsed = LocalDatePattern.Iso.Parse(text);
        return parsed.Success ? parsed.Value : throw new FormatException($"'{text}' is not a date: write it as yyyy-MM-dd.");
    }
}
