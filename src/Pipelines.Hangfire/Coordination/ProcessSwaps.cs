using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Hangfire.InMemory;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineSwapStorage"/> on Hangfire.InMemory's storage, whose locks live in this process
/// (<see cref="ProcessLocks"/>): a swap holds the run's lock shared, so a run's starts never wait for each other, only for
/// a step, and the steps wait for the swaps in progress, as PostgreSQL's shared advisory lock does. The reads and the
/// write go through the storage's connection and transaction; the swap's compare and write are kept whole against other
/// swaps of the same field (another delivery of the same job) by an exclusive process lock of the field's own.
/// </summary>
internal sealed class ProcessSwaps : IPipelineSwapStorage
{
    private static readonly ConditionalWeakTable<InMemoryStorage, ProcessSwaps> s_byStorage = new();
    private static readonly TimeSpan s_fieldLockTimeout = TimeSpan.FromSeconds(30);

    private readonly InMemoryStorage _storage;
    private readonly ProcessLocks _locks;

    private ProcessSwaps(InMemoryStorage storage)
    {
        _storage = storage;
        _locks = ProcessLocks.Of(storage);
    }

    /// <summary>The swaps of <paramref name="storage"/>.</summary>
    public static ProcessSwaps Of(InMemoryStorage storage) => s_byStorage.GetValue(storage, s => new ProcessSwaps(s));

    public IPipelineSwap BeginSwap(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var shared = _locks.AcquireShared(lockResource, timeout);
        JobStorageConnection? connection = null;
        try
        {
            connection = (JobStorageConnection)_storage.GetConnection();
            var values = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            foreach (var key in wholeKeys)
                if (connection.GetAllEntriesFromHash(key) is { } whole) values[key] = Ordinal(whole);
            foreach (var (key, field) in fields)
            {
                if (connection.GetValueFromHash(key, field) is not { } value) continue;
                if (!values.TryGetValue(key, out var byField)) values[key] = byField = new Dictionary<string, string>(StringComparer.Ordinal);
                byField[field] = value;
            }
            read = values;
            return new FieldSwap(this, lockResource, shared, connection);
        }
        catch
        {
            connection?.Dispose();
            shared.Dispose();
            throw;
        }
    }

    /// <summary>The storage's answer itself (a copy made for the caller) when it compares keys as ordinal strings; else a copy that does.</summary>
    private static Dictionary<string, string> Ordinal(Dictionary<string, string> read) =>
        ReferenceEquals(read.Comparer, StringComparer.Ordinal) || ReferenceEquals(read.Comparer, EqualityComparer<string>.Default)
            ? read
            : new Dictionary<string, string>(read, StringComparer.Ordinal);

    private sealed class FieldSwap(ProcessSwaps owner, string lockResource, IDisposable shared, JobStorageConnection connection) : IPipelineSwap
    {
        private bool _ended;

        public bool Swap(string key, string field, string expected, string value)
        {
            if (_ended) throw new InvalidOperationException("The swap has ended.");
            try
            {
                // Another swap of this field may have changed it since this one read it: compare again, under the field's
                // lock, which only another delivery of the same job holds, for two storage calls. Should it stay busy,
                // this swap changes nothing and the start takes the run's lock.
                IDisposable fieldLock;
                try
                {
                    fieldLock = owner._locks.Acquire(lockResource + "|swap|" + key + "|" + field, s_fieldLockTimeout);
                }
                catch (DistributedLockTimeoutException)
                {
                    return false;
                }
                using (fieldLock)
                {
                    if (connection.GetValueFromHash(key, field) != expected) return false;
                    using var transaction = connection.CreateWriteTransaction();
                    transaction.SetRangeInHash(key, new[] { new KeyValuePair<string, string>(field, value) });
                    transaction.Commit();
                    return true;
                }
            }
            finally
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            if (_ended) return;
            _ended = true;
            connection.Dispose();
            shared.Dispose();
        }
    }
}
