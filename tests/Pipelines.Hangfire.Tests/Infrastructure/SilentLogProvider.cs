using global::Hangfire.Logging;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Hangfire keeps its log provider process-wide; hosts started and stopped one after another in a test run must not
/// leave it pointing at a disposed logger factory.
/// </summary>
internal sealed class SilentLogProvider : ILogProvider
{
    public ILog GetLogger(string name) => new SilentLog();

    private sealed class SilentLog : ILog
    {
        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => logLevel >= LogLevel.Error && messageFunc is null;
    }
}
