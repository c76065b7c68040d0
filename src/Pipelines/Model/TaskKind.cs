namespace Pipelines;

/// <summary>What a task's result means to the scheduler.</summary>
public enum TaskKind
{
    /// <summary>A plain task: its result, if any, is data for downstream tasks.</summary>
    Task,
    /// <summary>A condition: <c>false</c> skips everything downstream.</summary>
    Condition,
    /// <summary>A branch: the returned targets run, the other declared targets are skipped.</summary>
    Branch,
    /// <summary>A sensor: poked until it returns <c>true</c> or times out.</summary>
    Sensor,
}
