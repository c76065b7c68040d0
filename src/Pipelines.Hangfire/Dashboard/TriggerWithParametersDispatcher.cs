using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using Hangfire.Dashboard;
using NodaTime.Text;
using Pipelines.Calendars;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>
/// Triggers a run from the trigger form: like Hangfire's command dispatcher (POST only, refused in a read-only dashboard,
/// behind the dashboard's authorization and antiforgery checks), but it answers the run id, or 422 with the validator's
/// sentences so the form can show them.
/// </summary>
internal sealed class TriggerWithParametersDispatcher : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        var response = context.Response;
        if (!string.Equals(context.Request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = 405;
            return;
        }
        if (context.IsReadOnly)
        {
            response.StatusCode = 401;
            return;
        }
        if (PipelinesDashboard.For(context.Storage) is not { } services
            || !services.Operations.Registry.TryGet(context.UriMatch.Groups["pipeline"].Value, out var pipeline))
        {
            response.StatusCode = 404;
            return;
        }

        var errors = new List<string>();
        var date = services.Clock.GetCurrentInstant().InZone(PipelineTimes.Of(pipeline).Zone).Date;
        var dateText = await First(context, "logicalDate").ConfigureAwait(false);
        if (dateText is { Length: > 0 })
        {
            var parsed = LocalDatePattern.Iso.Parse(dateText);
            if (parsed.Success) date = parsed.Value;
            else errors.Add($"logicalDate={dateText}: write the logical date as yyyy-MM-dd.");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in pipeline.Parameters?.Parameters ?? default)
        {
            if (await First(context, TriggerForm.ParameterPrefix + parameter.Name).ConfigureAwait(false) is { Length: > 0 } value) values[parameter.Name] = value;
        }

        string? runId = null;
        if (errors.Count == 0)
        {
            try
            {
                runId = services.Operations.Trigger(pipeline.Id, date, values);
            }
            catch (RunParametersException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }
        response.ContentType = "application/json";
        if (runId is null) response.StatusCode = 422;
        await response.WriteAsync(runId is null ? JsonSerializer.Serialize(new { errors }) : JsonSerializer.Serialize(new { run = runId })).ConfigureAwait(false);
    }

    private static async Task<string?> First(DashboardContext context, string key)
    {
        var values = await context.Request.GetFormValuesAsync(key).ConfigureAwait(false);
        return values is { Count: > 0 } ? values[0] : null;
    }
}
