using static Pipelines.BuiltIns.Tests.Dates;

namespace Pipelines.BuiltIns.Tests;

/// <summary>The is-trading-session and is-trading-holiday conditions, against NYSE's and SIFMA's published 2016 tables.</summary>
public sealed class TradingConditionsTests
{
    [Theory]
    [InlineData("2016-01-01")] // New Year's Day
    [InlineData("2016-01-18")] // Martin Luther King, Jr. Day
    [InlineData("2016-02-15")] // Washington's Birthday
    [InlineData("2016-03-25")] // Good Friday
    [InlineData("2016-05-30")] // Memorial Day
    [InlineData("2016-07-04")] // Independence Day
    [InlineData("2024-11-28")] // Thanksgiving Day
    [InlineData("2025-01-09")] // National Day of Mourning for President Carter
    public void A_published_nyse_holiday_is_not_a_trading_session_but_is_a_trading_holiday(string date)
    {
        var run = Runs.On(D(date));

        Assert.False(TradingConditions.IsTradingSession(run, "XNYS"));
        Assert.True(TradingConditions.IsTradingHoliday(run, "XNYS"));
    }

    [Theory]
    [InlineData("2016-03-24")] // the day before Good Friday
    [InlineData("2024-11-29")] // the day after Thanksgiving, closing at 13:00
    [InlineData("2024-03-11")] // the Monday after the clocks change
    public void A_published_nyse_session_is_a_trading_session_and_not_a_holiday(string date)
    {
        var run = Runs.On(D(date));

        Assert.True(TradingConditions.IsTradingSession(run, "XNYS"));
        Assert.False(TradingConditions.IsTradingHoliday(run, "XNYS"));
    }

    [Fact]
    public void A_weekend_is_neither_a_trading_session_nor_a_trading_holiday()
    {
        var saturday = Runs.On(D("2016-07-02"));

        Assert.False(TradingConditions.IsTradingSession(saturday, "XNYS"));
        Assert.False(TradingConditions.IsTradingHoliday(saturday, "XNYS"));
    }

    [Fact]
    public void Columbus_day_2016_is_a_sifma_holiday_while_nyse_trades()
    {
        var run = Runs.On(D("2016-10-10"));

        Assert.True(TradingConditions.IsTradingSession(run, ExchangeCalendar.Get("XNYS")));
        Assert.False(TradingConditions.IsTradingSession(run, ExchangeCalendar.Get("SIFMA_US")));
        Assert.True(TradingConditions.IsTradingHoliday(run, ExchangeCalendar.Get("SIFMA_US")));
    }

    [Fact]
    public void A_user_registered_calendar_is_found_by_its_id()
    {
        var id = Runs.UniqueId("ACME_OFFICE");
        ExchangeCalendar.Register(new HolidayCalendar(id, "Acme office days", NewYork, new LocalTime(8, 0), new LocalTime(18, 0),
            [new Holiday(D("2025-12-26"), "Company day")]));

        Assert.False(TradingConditions.IsTradingSession(Runs.On(D("2025-12-26")), id));
        Assert.True(TradingConditions.IsTradingSession(Runs.On(D("2025-12-29")), id));
    }

    [Fact]
    public void The_reason_a_date_is_not_a_session_is_logged_with_the_task()
    {
        var logger = new RecordingLogger();

        TradingConditions.IsTradingSession(Runs.On(D("2024-07-04"), logger: logger), "XNYS");
        TradingConditions.IsTradingSession(Runs.On(D("2024-07-06"), logger: logger), "XNYS");

        Assert.Equal(["2024-07-04 is not a session of XNYS: Independence Day.", "2024-07-06 is not a session of XNYS: a Saturday."], logger.Messages);
    }

    [Fact]
    public void An_unknown_calendar_id_is_a_clear_error()
    {
        Assert.Throws<UnknownCalendarException>(() => TradingConditions.IsTradingSession(Runs.On(D("2024-07-05")), "NYSE"));
    }
}
