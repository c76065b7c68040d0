using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipelines.Cli;

/// <summary>
/// Answers only requests addressed to this server by a loopback name and its port. A page whose domain was rebound to
/// 127.0.0.1 sends its own name in the Host header, so it is refused (421) although the connection comes from loopback.
/// </summary>
internal static class LoopbackHostCheck
{
    public static void Use(WebApplication app, int port) => app.Use(async (context, next) =>
    {
        if (IsAllowed(context.Request.Host, port))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        await context.Response.WriteAsJsonAsync(new { error = $"this server answers requests addressed to 127.0.0.1:{port}, localhost:{port} or [::1]:{port} only, not to '{context.Request.Host}'" }).ConfigureAwait(false);
    });

    public static bool IsAllowed(HostString host, int port)
    {
        if (!host.HasValue || (host.Port ?? 80) != port) return false;
        return host.Host is "127.0.0.1" or "[::1]" || string.Equals(host.Host, "localhost", StringComparison.OrdinalIgnoreCase);
    }
}
