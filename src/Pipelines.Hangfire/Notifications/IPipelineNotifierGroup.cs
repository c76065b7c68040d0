using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// A notifier that is delivered to as several: the dispatcher keeps each member's progress under the member's own key,
/// so one member that fails is retried alone and the others never hear an event twice because of it.
/// </summary>
internal interface IPipelineNotifierGroup
{
    /// <summary>The members with keys that name them the same way on every server (never a position in a list).</summary>
    IReadOnlyList<(string Key, IPipelineNotifier Notifier)> Members { get; }
}
