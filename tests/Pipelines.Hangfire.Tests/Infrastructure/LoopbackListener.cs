using System.Net;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Starts an <see cref="HttpListener"/> for <c>http://127.0.0.1:{port}/{path}</c> on a port no one holds. HttpListener
/// cannot take port 0, and a random port could be one another socket held (the tests' own outgoing connections take
/// ephemeral ports from 32768 up): the port is one the kernel just handed out, and a start that still finds it taken
/// tries another.
/// </summary>
internal static class LoopbackListener
{
    /// <summary>The started listener; <paramref name="prefix"/> is its URL (ending in '/').</summary>
    public static HttpListener Start(string path, out string prefix)
    {
        for (var attempt = 1; ; attempt++)
        {
            prefix = $"http://127.0.0.1:{FreePorts.Next()}/{path.Trim('/')}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return listener;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Taken between the kernel's answer and the start: another port.
                listener.Close();
            }
        }
    }
}
