using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>Finding the built-in calendars and adding your own.</summary>
public sealed class RegistryTests
{
    [Fact]
    public void The_built_in_calendars_are_registered()
    {
        Assert.Contains("XNYS", ExchangeCalendar.Ids);
        Assert.Contains("CMES", ExchangeCalendar.Ids);
        Assert.Contains("SIFMA_US", ExchangeCalendar.Ids);
        Assert.True(ExchangeCalendar.TryGet("XNYS", out var nyse));
        Assert.Same(nyse, ExchangeCalendar.Get("XNYS"));
        Assert.Equal("New York Stock Exchange", nyse.Name);
        Assert.Equal(NewYork, nyse.Zone);
        Assert.Equal(NewYork, ExchangeCalendar.Get("SIFMA_US").Zone);
    }

    [Fact]
    public void A_company_holiday_list_becomes_a_calendar()
    {
        var office = new HolidayCalendar(
            "TEST_ACME_OFFICE",
            "Acme office days",
            Chicago,
            new LocalTime(8, 0),
            new LocalTime(18, 0),
            [new Holiday(D("2025-12-25"), "Christmas"), new Holiday(D("2025-12-26"), "Company day")]);

        ExchangeCalendar.Register(office);

        var found = ExchangeCalendar.Get("TEST_ACME_OFFICE");
        Assert.Same(office, found);
        Assert.Contains("TEST_ACME_OFFICE", ExchangeCalendar.Ids);
        Assert.False(found.IsSession(D("2025-12-26")));
        Assert.True(found.TryGetHoliday(D("2025-12-26"), out var name));
        Assert.Equal("Company day", name);
        Assert.Equal(D("2025-12-29"), found.NextSession(D("2025-12-24")));
        Assert.Equal(new LocalDateTime(2025, 12, 24, 18, 0), found.SessionClose(D("2025-12-24")).LocalDateTime);
        Assert.Throws<UnsupportedDateException>(() => found.IsSession(D("2026-01-02")));
    }

    [Fact]
    public void A_calendar_can_be_built_from_rules()
    {
        var calendar = new RuleBasedCalendar(
            "TEST_RULES",
            "Rules example",
            NewYork,
            new TradingHours(new LocalTime(9, 0), new LocalTime(17, 0)),
            D("2020-01-01"),
            D("2030-12-31"),
            [UsHolidays.IndependenceDay, UsHolidays.ThanksgivingDay],
            [new HolidayEarlyClose(UsHolidays.ThanksgivingDay, +1, new LocalTime(12, 0))]);

        Assert.False(calendar.IsSession(D("2026-07-03")));
        Assert.True(calendar.IsSession(D("2026-12-25")));
        Assert.Equal(new LocalDateTime(2026, 11, 27, 12, 0), calendar.SessionClose(D("2026-11-27")).LocalDateTime);
    }

    [Fact]
    public void Registering_a_taken_id_is_refused()
    {
        var duplicate = new HolidayCalendar("XNYS", "Impostor", NewYork, new LocalTime(9, 0), new LocalTime(17, 0), [], D("2020-01-01"), D("2020-12-31"));

        Assert.Throws<ArgumentException>(() => ExchangeCalendar.Register(duplicate));
        Assert.Equal("New York Stock Exchange", ExchangeCalendar.Get("XNYS").Name);
    }

    [Fact]
    public void Concurrent_registrations_and_lookups_all_succeed()
    {
        Parallel.For(0, 64, i =>
        {
            var id = $"TEST_PARALLEL_{i}";
            ExchangeCalendar.Register(new HolidayCalendar(id, id, NewYork, new LocalTime(9, 0), new LocalTime(17, 0), [new Holiday(D("2025-01-01"), "New Year")]));
            Assert.True(ExchangeCalendar.Get("XNYS").IsSession(D("2025-01-02")));
            Assert.Same(ExchangeCalendar.Get(id), ExchangeCalendar.Get(id));
        });

        Assert.Equal(64, ExchangeCalendar.Ids.Count(id => id.StartsWith("TEST_PARALLEL_", StringComparison.Ordinal)));
    }
}
