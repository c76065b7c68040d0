using System;
using System.Collections.Generic;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// One of a run's stored hashes as a coordination step reads it: a field at a time while the step needs few (one round
/// trip each on a database), and the whole hash in one fetch once it needs many, so a step costs what it touches and
/// never more than one fetch of everything. A storage that cannot read a single field (Hangfire's default
/// <see cref="JobStorageConnection.GetValueFromHash"/> throws) is read whole at once.
/// </summary>
internal sealed class StoredHash
{
    /// <summary>Single-field reads after which the step is taken to need many fields and the whole hash is fetched.</summary>
    public const int FieldReadsBeforeFetch = 16;

    private readonly IStorageConnection? _connection;
    private readonly Dictionary<string, string?> _read = new(StringComparer.Ordinal);
    private Dictionary<string, string>? _all;

    /// <param name="connection">Where fields not read beforehand are read; null for a hash of only what was read beforehand, whose other fields throw <see cref="UnreadFieldException"/>.</param>
    /// <param name="key">The hash's key.</param>
    /// <param name="fetched">The whole hash, when read beforehand.</param>
    public StoredHash(IStorageConnection? connection, string key, IReadOnlyDictionary<string, string>? fetched = null)
    {
        _connection = connection;
        Key = key;
        if (fetched is not null) _all = new Dictionary<string, string>(fetched, StringComparer.Ordinal);
    }

    public string Key { get; }

    /// <summary>Whether the whole hash has been fetched.</summary>
    public bool IsFetched => _all is not null;

    /// <summary>A field's stored value, or null when it has none.</summary>
    public string? Get(string field)
    {
        if (_all is not null) return _all.TryGetValue(field, out var whole) ? whole : null;
        if (_read.TryGetValue(field, out var value)) return value;
        if (_connection is null) throw new UnreadFieldException(Key, field);
        if (_read.Count < FieldReadsBeforeFetch && _connection is JobStorageConnection fields)
        {
            try
            {
                value = fields.GetValueFromHash(Key, field);
                _read[field] = value;
                return value;
            }
            catch (NotSupportedException)
            {
                // Hangfire's default: this storage reads hashes whole.
            }
        }
        return Fetch().TryGetValue(field, out var fetched) ? fetched : null;
    }

    /// <summary>Takes the whole hash as read beforehand (<see cref="StepReads"/>).</summary>
    public void Prime(IReadOnlyDictionary<string, string> all) => _all = new Dictionary<string, string>(all, StringComparer.Ordinal);

    /// <summary>Takes one field as read beforehand (null: the hash lacks it).</summary>
    public void Prime(string field, string? value)
    {
        if (_all is null) _read[field] = value;
    }

    /// <summary>Every field, fetched in one read (once).</summary>
    public IReadOnlyDictionary<string, string> Fetch() =>
        _all ??= (_connection ?? throw new UnreadFieldException(Key, null)).GetAllEntriesFromHash(Key) ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
