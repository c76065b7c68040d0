using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>One line a task wrote through <see cref="RunContext.Logger"/>, kept with its task instance.</summary>
/// <param name="Try">The try that wrote it.</param>
/// <param name="Time">When it was written.</param>
/// <param name="Level">Its log level.</param>
/// <param name="Message">The formatted message, with the exception (type, message and stack) on the following lines.</param>
public sealed record TaskLogLine(int Try, Instant Time, LogLevel Level, string Message);

/// <summary>
/// The logger a task gets in its <see cref="RunContext"/>: everything goes to the app's own logger as well, and lines at
/// Information and above (lower ones when the app's logger has them on) are kept in Hangfire's storage beside the task
/// instance, written every second while the try runs and once more when it ends, so the dashboard shows a running task's
/// log as it grows. Each try keeps at most <see cref="MaxLinesPerTry"/> lines of at most <see cref="MaxLineLength"/> characters.
/// </summary>
internal sealed class TaskLog : ILogger
{
    public const int MaxLinesPerTry = 1000;
    public const int MaxLineLength = 8000;

    private readonly ILogger _inner;
    private readonly IClock _clock;
    private readonly JobStorage _storage;
    private readonly string _key;
    private readonly int _try;
    private readonly ConcurrentQueue<string> _pending = new();
    private int _written;
    private int _dropped;
    private long _sequence;

    public TaskLog(ILogger inner, IClock clock, JobStorage storage, string pipelineId, string runId, string taskId, int tryNumber)
    {
        _inner = inner;
        _clock = clock;
        _storage = storage;
        _key = PipelineStore.LogKey(pipelineId, runId, taskId);
        _try = tryNumber;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (logLevel >= LogLevel.Information || _inner.IsEnabled(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (_inner.IsEnabled(logLevel)) _inner.Log(logLevel, eventId, state, exception, formatter);
        if (!IsEnabled(logLevel)) return;
        var message = formatter(state, exception);
        if (exception is not null) message = string.IsNullOrEmpty(message) ? exception.ToString() : message + Environment.NewLine + exception;
        if (message.Length > MaxLineLength) message = message[..MaxLineLength] + "…";
        if (Interlocked.Increment(ref _written) > MaxLinesPerTry)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        _pending.Enqueue(PipelineStore.FormatLogLine(new TaskLogLine(_try, _clock.GetCurrentInstant(), logLevel, message), Interlocked.Increment(ref _sequence)));
    }

    /// <summary>Writes pending lines every second until <paramref name="stop"/> is cancelled, then writes what is left.</summary>
    public async Task KeepWritingAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    Flush(final: false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A storage blip: the lines went back to the queue and the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the pending lines in one transaction; the final call also notes how many lines were dropped.</summary>
    public void Flush(bool final)
    {
        if (final && Volatile.Read(ref _dropped) is var dropped and > 0)
        {
            _pending.Enqueue(PipelineStore.FormatLogLine(new TaskLogLine(_try, _clock.GetCurrentInstant(), LogLevel.Warning,
                $"{dropped} more line(s) were not kept: a try keeps at most {MaxLinesPerTry} lines."), long.MaxValue));
            _dropped = 0;
        }
        if (_pending.IsEmpty) return;
        var lines = new List<string>();
        while (_pending.TryDequeue(out var line)) lines.Add(line);
        try
        {
            using var connection = _storage.GetConnection();
            using var transaction = connection.CreateWriteTransaction();
            foreach (var line in lines) transaction.AddToSet(_key, line, 0);
            transaction.Commit();
        }
        catch
        {
            foreach (var line in lines) _pending.Enqueue(line);
            throw;
        }
    }
}
