using System.Collections.Generic;
using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>A limit as read from storage for one try: who holds its slots, whether this try is one of them, and how many other tries wait for it.</summary>
internal sealed record SlotUsage(SlotLimit Limit, IReadOnlyList<SlotHolder> Holders, bool Held, int Waiting)
{
    public int Used => Holders.Sum(h => h.Slots);

    /// <summary>Whether the try may start under this limit: it holds its slots already, or they are free.</summary>
    public bool HasRoom => Held || Used + Limit.Need <= Limit.Capacity;

    /// <summary>Whether the try can never start under this limit as configured.</summary>
    public bool Impossible => Limit.Need > Limit.Capacity;
}
