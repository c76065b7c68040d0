using System;

namespace Pipelines.Hangfire;

/// <summary>
/// The storage could not give a try what it needs before or while the task's code reads it (the run's record, an
/// upstream output): a database restarting, a network blip. That is not the task failing, so it never counts as a
/// failed try: the job ends without a result, the try's execution is abandoned, and the reconciler runs the try again.
/// </summary>
internal sealed class TryStorageUnavailableException : Exception
{
    public TryStorageUnavailableException(string message, Exception? inner = null)
        : base(message + " The try did not fail: it runs again when the storage answers.", inner)
    {
    }
}
