using System;

namespace Pipelines.Generators.Validation;

/// <summary>One entry of a <see cref="GraphDiagnostic"/>'s properties bag: plain strings, so the validator's output stays value data.</summary>
internal readonly struct DiagnosticProperty : IEquatable<DiagnosticProperty>
{
    public DiagnosticProperty(string key, string value)
    {
        Key = key;
        Value = value;
    }

    public string Key { get; }
    public string Value { get; }

    public bool Equals(DiagnosticProperty other) => string.Equals(Key, other.Key, StringComparison.Ordinal) && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is DiagnosticProperty other && Equals(other);

    public override int GetHashCode() => (StringComparer.Ordinal.GetHashCode(Key) * 397) ^ StringComparer.Ordinal.GetHashCode(Value);
}
