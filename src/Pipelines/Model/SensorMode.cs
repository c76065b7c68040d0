namespace Pipelines;

/// <summary>How a sensor waits between pokes.</summary>
public enum SensorMode
{
    /// <summary>The sensor's job ends after each poke and is scheduled again, so a waiting sensor holds no worker.</summary>
    Reschedule,
    /// <summary>The sensor keeps its worker and sleeps between pokes; for short waits only.</summary>
    Poke,
}
