using System;
using System.Data.Common;
using System.IO;
using System.Net.Sockets;
using Hangfire.States;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// The storage could not give a try what it needs before or while the task's code reads it (the try's start, the run's
/// record, an upstream output): a database restarting, a network blip. That is not the task failing, so it never counts
/// as a failed try: the job ends without a result, the try's execution is abandoned, and the try runs again, the same try
/// (<see cref="EndedJob"/>).
/// </summary>
internal sealed class TryStorageUnavailableException : Exception
{
    public TryStorageUnavailableException(string message, Exception? inner = null)
        : base(message + " The try did not fail: it runs again when the storage answers.", inner)
    {
    }

    /// <summary>
    /// Whether <paramref name="error"/> (or an exception inside it) is the storage not answering: a database's error
    /// (<see cref="DbException"/>: Npgsql's), a broken connection (<see cref="IOException"/>, <see cref="SocketException"/>)
    /// or a timeout (<see cref="TimeoutException"/>, Redis's too), or Redis's connection error, which has no base of its
    /// own in common with them and is told by its name (this package does not reference the Redis client). Anything else,
    /// a record that does not parse or a mistake in the runtime, fails the try as before: a try run again for it would
    /// fail the same way at every reconciler pass.
    /// </summary>
    public static bool IsStorageFailure(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e is DbException or IOException or SocketException or TimeoutException || e.GetType().FullName == "StackExchange.Redis.RedisConnectionException")
                return true;
        return false;
    }

    /// <summary>
    /// Whether a try's job ended because of this exception: Hangfire keeps the type of the exception that failed a job
    /// in the same write as the Failed state. So the sign reaches whoever finds the job ended (the reconciler) even when
    /// nothing else could be written while the storage was down: a job whose Failed state could not be written either is
    /// not ended, and Hangfire delivers it again.
    /// </summary>
    public static bool EndedJob(IStorageConnection connection, string jobId)
    {
        var state = connection.GetStateData(jobId);
        return state is not null && state.Name == FailedState.StateName
            && state.Data is { } data && data.TryGetValue("ExceptionType", out var type) && type == typeof(TryStorageUnavailableException).FullName;
    }
}
