namespace Pipelines.Calendars.Tests;

/// <summary>
/// Pipelines.Calendars is pure time: a risk library or a report that only needs sessions references it alone, without
/// the pipeline model, the built-ins or the runtime.
/// </summary>
public sealed class BoundaryTests
{
    [Fact]
    public void The_calendars_assembly_references_no_other_pipelines_assembly()
    {
        var calendars = typeof(ExchangeCalendar).Assembly;

        var pipelines = calendars.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name == "Pipelines" || name.StartsWith("Pipelines.", StringComparison.Ordinal))
            .ToList();

        Assert.Equal("Pipelines.Calendars", calendars.GetName().Name);
        Assert.Empty(pipelines);
    }
}
