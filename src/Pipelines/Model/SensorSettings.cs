using System;

namespace Pipelines;

/// <summary>How a sensor task pokes and when it gives up.</summary>
/// <param name="PokeInterval">The wait between pokes.</param>
/// <param name="Timeout">How long the sensor may wait in all, from its first poke.</param>
/// <param name="SoftFail">Skip instead of fail at the timeout.</param>
/// <param name="Mode">Whether a waiting sensor gives its worker back.</param>
public sealed record SensorSettings(TimeSpan PokeInterval, TimeSpan Timeout, bool SoftFail, SensorMode Mode);
