using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Hangfire.InMemory;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineSwapStorage"/> on Hangfire.InMemory's storage, whose locks live in this process
/// (<see cref="ProcessLocks"/>): a swap holds the run's lock shared, so a run's starts never wait for each other, only for
/// a step, and the steps wait for the swaps in progress, as PostgreSQL's shared advisory lock does. The reads and the
/// write go through the storage's connection and transaction; the swap's compare and write are kept whole against other
/// swaps of the same field (another delivery of the same job) by a process lock picked by the field's hash.
/// </summary>
internal sealed class ProcessSwaps : IPipelineSwapStorage
{
    private static readonly ConditionalWeakTable<InMemoryStorage, ProcessSwaps> s_byStorage = new();
    private static readonly TimeSpan s_fieldLockTimeout = TimeSpan.FromSeconds(30);

    private readonly InMemoryStorage _storage;
    private readonly ProcessLocks _locks;
    // The locks that keep a field's compare and write whole, by the field's hash: a lock of the field's own name made a
    // name and an entry for every start.
    private readonly object[] _fieldStripes = CreateStripes(64);

    private static object[] CreateStripes(int count)
    {
        var stripes = new object[count];
        for (var i = 0; i < count; i++) stripes[i] = new object();
        return stripes;
    }

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
            return new FieldSwap(this, shared, connection);
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

    private sealed class FieldSwap(ProcessSwaps owner, IDisposable shared, JobStorageConnection connection) : IPipelineSwap
    {
        private bool _ended;

        public bool Swap(string key, string field, string expected, string value)
        {
            if (_ended) throw new InvalidOperationException("The swap has ended.");
            try
            {
                // Another swap of this field may have changed it since this one read it: compare again, under the field's
                // stripe, which only another delivery of the same job (or a swap of a field sharing the stripe) holds, for
                // two storage calls. Should it stay busy, this swap changes nothing and the start takes the run's lock.
                var stripe = owner._fieldStripes[(uint)HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), StringComparer.Ordinal.GetHashCode(field)) % (uint)owner._fieldStripes.Length];
                if (!Monitor.TryEnter(stripe, s_fieldLockTimeout)) return false;
                try
                {
                    if (connection.GetValueFromHash(key, field) != expected) return false;
                    using var transaction = connection.CreateWriteTransaction();
                    transaction.SetRangeInHash(key, new[] { new KeyValuePair<string, string>(field, value) });
                    transaction.Commit();
                    return true;
                }
                finally
                {
                    Monitor.Exit(stripe);
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
