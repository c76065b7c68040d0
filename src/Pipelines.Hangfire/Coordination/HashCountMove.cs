using System.Collections.Immutable;

namespace Pipelines.Hangfire;

/// <summary>
/// An addition to a count field of a Hangfire hash (<see cref="IPipelineCountingSwap"/>). A count field holds integers
/// separated by commas (a run's counts of a task's upstream states, <c>3,0,1,0</c>), optionally followed by <c>@</c> and a
/// tag the addition keeps (a run's count of finished tasks with its pipeline's fingerprint, <c>12@9f3a...</c>); a missing
/// field, or a missing position, counts as zero.
/// </summary>
/// <param name="Key">The hash's key.</param>
/// <param name="Field">The count field.</param>
/// <param name="By">What to add at each position (a position the field lacks is added to zero).</param>
public sealed record HashCountMove(string Key, string Field, ImmutableArray<int> By);
