using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>
/// serve's <c>GET /health</c>: the Pipelines health checks (and any the app added), as JSON with each check's status and
/// why; 200 when healthy or degraded, 503 when unhealthy. Loopback only, like the rest of serve.
/// </summary>
internal static class ServeHealth
{
    public const string Path = "/health";

    /// <summary>Adds the Pipelines checks unless the app's serve services already did.</summary>
    public static void Add(IServiceCollection services)
    {
        services.AddHealthChecks();
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            if (options.Registrations.Any(r => r.Name == "pipelines-storage")) return;
            new RegistrationsBuilder(services, options).AddPipelinesHealthChecks();
        });
    }

    public static void Map(WebApplication app) => app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync });

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, CliJson.Options));
    }

    private sealed class RegistrationsBuilder(IServiceCollection services, HealthCheckServiceOptions options) : IHealthChecksBuilder
    {
        public IServiceCollection Services => services;

        public IHealthChecksBuilder Add(HealthCheckRegistration registration)
        {
            options.Registrations.Add(registration);
            return this;
        }
    }
}
