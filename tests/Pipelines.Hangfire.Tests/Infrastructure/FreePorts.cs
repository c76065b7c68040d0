using System.Net;
using System.Net.Sockets;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// A loopback TCP port no socket holds: one the kernel hands out to a listener on port 0, closed before it is returned.
/// Another process may take it before the caller binds it; a caller that can start on port 0 itself should. Linked into
/// every test project that starts a server of its own (PostgreSQL, Redis, a dashboard, a webhook listener).
/// </summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
