using System;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>Asset event ids: the moment in hex (so ids read in time order) and random digits (so two servers never collide).</summary>
internal static class AssetEventId
{
    public static string New(Instant at) => $"{at.ToUnixTimeMilliseconds():x}-{Guid.NewGuid():N}"[..24];
}
