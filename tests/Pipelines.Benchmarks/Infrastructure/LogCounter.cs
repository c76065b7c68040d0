using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// Counts the warnings and errors a bench host's components log (a lock that timed out, a step left to the reconciler)
/// and keeps the first few, so a measurement can say it ran clean or show what went wrong.
/// </summary>
public sealed class LogCounter : ILoggerProvider
{
    private const int Kept = 5;
    private readonly ConcurrentQueue<string> _first = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyList<string> First => _first.ToArray();

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        _first.Clear();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(string category, string message)
    {
        if (Interlocked.Increment(ref _count) <= Kept) _first.Enqueue($"{category}: {message}");
    }

    private sealed class Logger(LogCounter counter, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message})";
            counter.Add(category, message);
        }
    }
}
