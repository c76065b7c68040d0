using Pipelines.Calendars;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Tests;

/// <summary>The analyzer's list of built-in calendar ids, which it cannot load from Pipelines.Calendars, stays the runtime's list.</summary>
public sealed class BuiltInCalendarTests
{
    [Fact]
    public void The_analyzer_knows_every_built_in_calendar_and_no_other()
    {
        Assert.Equal(ExchangeCalendar.Ids.Order(StringComparer.Ordinal), PipelineParser.BuiltInCalendars.Order(StringComparer.Ordinal));
    }
}
