namespace Pipelines.Hangfire;

/// <summary>
/// What a conditional swap (<see cref="IPipelineConditionalSwapStorage"/>) requires of one hash field once no step holds
/// the lock: each value the swap was judged by, checked where it is stored.
/// </summary>
/// <param name="Key">The hash's key.</param>
/// <param name="Field">The field.</param>
/// <param name="Test">What the field must hold.</param>
/// <param name="Value">The value <paramref name="Test"/> compares with (for <see cref="HashFieldTest.Equals"/>, null: the field is absent).</param>
public sealed record HashFieldCondition(string Key, string Field, HashFieldTest Test, string? Value = null);

/// <summary>What a <see cref="HashFieldCondition"/> requires of its field.</summary>
public enum HashFieldTest
{
    /// <summary>The field holds exactly the value, or is absent when the value is null.</summary>
    Equals,

    /// <summary>The field is present and holds a value that ends with the value (a run's count of finished tasks, counted for its pipeline's edges: <c>@</c> and their fingerprint).</summary>
    EndsWith,

    /// <summary>The field is absent, or holds a value that starts with the value (a task record's state prefix, <c>none|</c>).</summary>
    AbsentOrStartsWith,
}
