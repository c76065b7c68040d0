using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
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
/// log as it grows. Each try keeps at most <see cref="MaxLinesPerTry"/> lines of at most <see cref="MaxLineLength"/>
/// characters, made safe for any storage (no NUL characters, no broken surrogate pairs).
/// </summary>
/// <remarks>
/// Keeping the log never fails the task or delays its result: a batch the storage refuses is written line by line, and
/// a line it still refuses is dropped and counted; a storage that is down loses the lines, not the result.
/// </remarks>
internal sealed class TaskLog : ILogger
{
    public const int MaxLinesPerTry = 1000;
    public const int MaxLineLength = 8000;

    private static long s_writers = Stopwatch.GetTimestamp();

    private readonly Func<ILogger> _createInner;
    private ILogger? _inner;
    private readonly IClock _clock;
    private readonly JobStorage _storage;
    private readonly string _pipelineId;
    private readonly string _runId;
    private readonly string _taskId;
    private readonly int _try;
    private readonly long _writer = Interlocked.Increment(ref s_writers);
    // Made by the first line: most tries log nothing, and an empty queue's first segment was a tenth of what setting up a
    // try allocated.
    private ConcurrentQueue<KeyValuePair<string, string>>? _pending;
    private readonly object _flushing = new();
    private int _written;
    private int _dropped;
    private long _sequence;

    public TaskLog(Func<ILogger> inner, IClock clock, JobStorage storage, string pipelineId, string runId, string taskId, int tryNumber)
    {
        // The app's logger for the task is made when the task first logs: most tries log nothing, and a logger per task
        // made up front cost a fresh server's first 1,000-task fan-out a thousand of them.
        _createInner = inner;
        _clock = clock;
        _storage = storage;
        _pipelineId = pipelineId;
        _runId = runId;
        _taskId = taskId;
        _try = tryNumber;
    }

    // Two threads of a try logging at once may both make it: at worst two loggers of one category.
    private ILogger Inner => _inner ??= _createInner();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (logLevel >= LogLevel.Information || Inner.IsEnabled(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (Inner.IsEnabled(logLevel)) Inner.Log(logLevel, eventId, state, exception, formatter);
        if (!IsEnabled(logLevel)) return;
        var message = formatter(state, exception);
        if (exception is not null) message = string.IsNullOrEmpty(message) ? exception.ToString() : message + Environment.NewLine + exception;
        if (Interlocked.Increment(ref _written) > MaxLinesPerTry)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        Enqueue(logLevel, message);
    }

    private ConcurrentQueue<KeyValuePair<string, string>> Pending
    {
        get
        {
            if (Volatile.Read(ref _pending) is { } pending) return pending;
            var made = new ConcurrentQueue<KeyValuePair<string, string>>();
            return Interlocked.CompareExchange(ref _pending, made, null) ?? made;
        }
    }

    private void Enqueue(LogLevel level, string message) =>
        Pending.Enqueue(PipelineStore.FormatLogLine(new TaskLogLine(_try, _clock.GetCurrentInstant(), level, Sanitize(message)), _writer, Interlocked.Increment(ref _sequence)));

    /// <summary>Cuts a message to <see cref="MaxLineLength"/> without splitting a surrogate pair, and replaces NUL and lone surrogates.</summary>
    internal static string Sanitize(string message)
    {
        var length = Math.Min(message.Length, MaxLineLength);
        if (length < message.Length && char.IsHighSurrogate(message[length - 1])) length--;
        var text = new StringBuilder(length + 1);
        for (var i = 0; i < length; i++)
        {
            var c = message[i];
            if (c == '\0') text.Append('\uFFFD');
            else if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(message[i + 1])) text.Append(c).Append(message[++i]);
            else if (char.IsSurrogate(c)) text.Append('\uFFFD');
            else text.Append(c);
        }
        if (length < message.Length) text.Append('…');
        return text.ToString();
    }

    /// <summary>Writes pending lines every second until the result is disposed. Never throws.</summary>
    public PeriodicWrite KeepWriting() => new(TimeSpan.FromSeconds(1), () => Flush(final: false));

    /// <summary>
    /// Writes the pending lines in one transaction (line by line if the storage refuses the batch); the final call also
    /// notes how many lines were not kept. Never throws: returns the error of the last write that failed, or null.
    /// </summary>
    public Exception? Flush(bool final)
    {
        lock (_flushing)
        {
            if (final && Volatile.Read(ref _dropped) is var dropped and > 0)
            {
                Enqueue(LogLevel.Warning, $"{dropped} more line(s) were not kept: a try keeps at most {MaxLinesPerTry} lines.");
                _dropped = 0;
            }
            if (Volatile.Read(ref _pending) is not { IsEmpty: false } pending) return null;
            var lines = new List<KeyValuePair<string, string>>();
            while (pending.TryDequeue(out var line)) lines.Add(line);
            if (Write(lines) is null) return null;

            // Find the line the storage refuses rather than lose the batch with it.
            Exception? last = null;
            var refused = 0;
            var written = 0;
            foreach (var line in lines)
            {
                if (Write(new[] { line }) is { } error)
                {
                    last = error;
                    refused++;
                    // Three refusals before any success: the storage is down, not picky; the rest would fail too.
                    if (written == 0 && refused == 3) return error;
                }
                else
                {
                    written++;
                }
            }
            if (refused > 0 && refused < lines.Count)
                Write(new[] { PipelineStore.FormatLogLine(new TaskLogLine(_try, _clock.GetCurrentInstant(), LogLevel.Warning, $"{refused} line(s) were not kept: the storage refused them ({last!.GetType().Name})."), _writer, Interlocked.Increment(ref _sequence)) });
            return last;
        }
    }

    private Exception? Write(IEnumerable<KeyValuePair<string, string>> lines)
    {
        try
        {
            using var connection = _storage.GetConnection();
            using var transaction = connection.CreateWriteTransaction();
            PipelineStore.AddLogLines(transaction, _pipelineId, _runId, _taskId, lines);
            transaction.Commit();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
