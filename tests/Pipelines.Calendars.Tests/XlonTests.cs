using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// The London Stock Exchange against published lists of England and Wales bank holidays and LSE's Christmas notices
/// (the source of each year is named beside it), and combined with New York around holidays of only one side.
/// </summary>
public sealed class XlonTests
{
    private static readonly ExchangeCalendar London = ExchangeCalendar.Get("XLON");
    private static readonly DateTimeZone LondonZone = DateTimeZoneProviders.Tzdb["Europe/London"];

    private static string Local(ZonedDateTime time) => time.WithZone(LondonZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // LSE holiday lists for 2015, 2016, 2018 and 2019 as published in the fincal project (exchanges/london.js). Its
        // 2017 list leaves out the spring bank holiday (29 May) and its 2020 list predates the VE Day move, so those two
        // years are not used.
        { 2015, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"] },
        { 2016, ["01-01", "03-25", "03-28", "05-02", "05-30", "08-29", "12-26", "12-27"] },
        { 2018, ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"] },
        { 2019, ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"] },
        // England and Wales 2022 (inews, 2022-05-22, from gov.uk): New Year substitute 01-03, the spring bank holiday
        // moved to Thursday 06-02 with the Platinum Jubilee on 06-03; the Queen's state funeral 09-19 was added in
        // September; Christmas on Sunday gives Boxing Day 12-26 and Christmas's substitute 12-27.
        { 2022, ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"] },
        // 2024: "the standard eight days", the spring bank holiday on 27 May (exbulletin, 2024, on LSE hours).
        { 2024, ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"] },
    };

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_the_published_holidays(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), London.Holidays(year).Select(h => h.Date));
    }

    [Theory]
    // Royal proclamations: VE Day's 50th and 75th anniversaries replaced the first Monday of May.
    [InlineData("1995-05-08", "1995-05-01")]
    [InlineData("2020-05-08", "2020-05-04")]
    // Golden and Diamond Jubilees: the spring bank holiday moved into June, beside the extra day.
    [InlineData("2002-06-03", "2002-05-27")]
    [InlineData("2002-06-04", null)]
    [InlineData("2012-06-04", "2012-05-28")]
    [InlineData("2012-06-05", null)]
    public void Proclamations_move_a_bank_holiday_and_the_usual_day_trades(string closed, string? trades)
    {
        Assert.False(London.IsSession(D(closed)));
        if (trades is not null) Assert.True(London.IsSession(D(trades)));
    }

    [Theory]
    [InlineData("1999-12-31", "Millennium")]
    [InlineData("2011-04-29", "Royal wedding")]
    [InlineData("2022-09-19", "State funeral of Queen Elizabeth II")]
    [InlineData("2023-05-08", "Coronation of King Charles III")]
    public void One_off_bank_holidays_close_the_exchange(string date, string name)
    {
        Assert.True(London.TryGetHoliday(D(date), out var found));
        Assert.Equal(name, found);
    }

    [Fact]
    public void Christmas_2007_follows_the_LSE_notice()
    {
        // LSE, "Christmas and New Year service arrangements 2007/2008": markets close from 12:30 on Monday 24 and
        // Monday 31 December, closed 25 and 26 December and 1 January, normal days 27, 28 December and 2 January.
        Assert.Equal("2007-12-24T12:30", Local(London.SessionClose(D("2007-12-24"))));
        Assert.Equal("2007-12-31T12:30", Local(London.SessionClose(D("2007-12-31"))));
        Assert.False(London.IsSession(D("2007-12-25")));
        Assert.False(London.IsSession(D("2007-12-26")));
        Assert.False(London.IsSession(D("2008-01-01")));
        Assert.Equal("2007-12-27T16:30", Local(London.SessionClose(D("2007-12-27"))));
        Assert.Equal("2008-01-02T08:00", Local(London.SessionOpen(D("2008-01-02"))));
    }

    [Fact]
    public void A_weekend_Christmas_or_New_Years_Eve_moves_the_half_day_to_the_Friday_before()
    {
        // 2023: Christmas Eve and New Year's Eve were Sundays; the half days were Friday 22 and Friday 29 December
        // (exbulletin, on LSE's published hours).
        Assert.Equal(new[] { D("2023-12-22"), D("2023-12-29") }, London.EarlyCloses(2023).Select(c => c.Date));
        Assert.All(London.EarlyCloses(2023), c => Assert.Equal(new LocalTime(12, 30), c.Close));
    }

    [Fact]
    public void Hours_are_London_time_across_British_Summer_Time()
    {
        Assert.Equal(I("2024-01-05T08:00:00Z"), London.SessionOpen(D("2024-01-05")).ToInstant());
        Assert.Equal(I("2024-07-05T07:00:00Z"), London.SessionOpen(D("2024-07-05")).ToInstant());
        Assert.Equal(I("2024-07-05T15:30:00Z"), London.SessionClose(D("2024-07-05")).ToInstant());
    }

    [Fact]
    public void London_or_New_York_on_the_day_after_Thanksgiving_runs_from_Londons_open_to_New_Yorks_early_close()
    {
        // 2024-11-29: NYSE closes at 13:00 New York (its published early close); London trades 08:00-16:30.
        var either = ExchangeCalendar.Get("XLON | XNYS");
        var day = D("2024-11-29");
        Assert.Equal("2024-11-29T08:00", Local(either.SessionOpen(day)));
        Assert.Equal("2024-11-29T13:00", InNewYork(either.SessionClose(day)));
        Assert.True(either.IsEarlyClose(day));

        var both = ExchangeCalendar.Get("XLON & XNYS");
        Assert.Equal("2024-11-29T09:30", InNewYork(both.SessionOpen(day)));
        Assert.Equal("2024-11-29T16:30", Local(both.SessionClose(day)));
        Assert.False(both.IsEarlyClose(day));
    }

    [Fact]
    public void Holidays_of_only_one_side()
    {
        var either = ExchangeCalendar.Get("XLON | XNYS");
        var both = ExchangeCalendar.Get("XLON & XNYS");

        // Easter Monday 2024-04-01: London closed, New York open.
        Assert.True(either.IsSession(D("2024-04-01")));
        Assert.Equal("2024-04-01T09:30", InNewYork(either.SessionOpen(D("2024-04-01"))));
        Assert.False(both.IsSession(D("2024-04-01")));
        Assert.True(both.TryGetHoliday(D("2024-04-01"), out var why));
        Assert.Equal("Easter Monday (XLON)", why);

        // Thanksgiving 2024-11-28: New York closed, London open 08:00-16:30.
        Assert.Equal("2024-11-28T16:30", Local(either.SessionClose(D("2024-11-28"))));
        Assert.False(both.IsSession(D("2024-11-28")));

        // Good Friday 2024-03-29 closes both.
        Assert.False(either.IsSession(D("2024-03-29")));
    }
}
