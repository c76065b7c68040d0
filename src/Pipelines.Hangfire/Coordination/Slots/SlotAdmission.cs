namespace Pipelines.Hangfire;

/// <summary>What <see cref="SlotBook.Admit"/> decided for a try.</summary>
internal enum SlotAdmissionKind { Admitted, Waiting, Impossible }

/// <summary>The admission of a try under its limits, and the unmet reason when it was not admitted.</summary>
internal readonly record struct SlotAdmission(SlotAdmissionKind Kind, TaskDependency? Blocked);
