using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// Euronext Paris against Euronext's published holiday calendars (2012, 2019), the Bourse's national holidays before
/// the common calendar of 2002, and its changes of hours in 1999 and 2000.
/// </summary>
public sealed class XparTests
{
    private static readonly ExchangeCalendar Paris = ExchangeCalendar.Get("XPAR");
    private static readonly DateTimeZone ParisZone = DateTimeZoneProviders.Tzdb["Europe/Paris"];

    private static string Local(ZonedDateTime time) => time.WithZone(ParisZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // NYSE Euronext's 2012 holiday calendar (press release, 2011-11-14); New Year's Day was a Sunday.
        { 2012, ["04-06", "04-09", "05-01", "12-25", "12-26"] },
        // Euronext's 2019 holiday calendar (press release, 2018-10-18).
        { 2019, ["01-01", "04-19", "04-22", "05-01", "12-25", "12-26"] },
        // "Five in 2023 and three in 2022 and 2021" weekday closures; 2025's six (bourseo, 2025).
        { 2021, ["01-01", "04-02", "04-05"] },
        { 2022, ["04-15", "04-18", "12-26"] },
        { 2023, ["04-07", "04-10", "05-01", "12-25", "12-26"] },
        { 2025, ["01-01", "04-18", "04-21", "05-01", "12-25", "12-26"] },
    };

    [Theory]
    // Open in 2025 on 8 May, Ascension (29 May), Whit Monday (9 June), 14 July, 15 August and 11 November (bourseo).
    [InlineData("2025-05-08")]
    [InlineData("2025-05-29")]
    [InlineData("2025-06-09")]
    [InlineData("2025-07-14")]
    [InlineData("2025-08-15")]
    [InlineData("2025-11-11")]
    public void French_public_holidays_are_trading_days(string date)
    {
        Assert.True(Paris.IsSession(D(date)));
    }

    [Fact]
    public void Christmas_Eve_2021_Paris_closes_at_14_05_while_Frankfurt_and_Zurich_are_shut()
    {
        // "This Christmas session, whose close is set for 14:05 ... Frankfurt or Zurich simply did not open" (Zonebourse, 2021-12-24).
        Assert.Equal("2021-12-24T14:05", Local(Paris.SessionClose(D("2021-12-24"))));
        Assert.False(ExchangeCalendar.Get("XETR").IsSession(D("2021-12-24")));
        Assert.False(ExchangeCalendar.Get("XSWX").IsSession(D("2021-12-24")));
    }

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_Euronexts_calendar(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), Paris.Holidays(year).Select(h => h.Date));
    }

    [Fact]
    public void Christmas_Eve_and_New_Years_Eve_are_half_days_closing_at_14_05()
    {
        // "Half day trading with all instruments closing by 14:05 CET" on 24 and 31 December 2019 (Euronext).
        Assert.Equal(new[] { D("2019-12-24"), D("2019-12-31") }, Paris.EarlyCloses(2019).Select(c => c.Date));
        Assert.Equal("2019-12-24T14:05", Local(Paris.SessionClose(D("2019-12-24"))));
        Assert.Equal("2019-12-31T14:05", Local(Paris.SessionClose(D("2019-12-31"))));

        // 2012's half days were Monday 24 and Monday 31 December (NYSE Euronext, which gave 14:00 as the end of trading).
        Assert.Equal(new[] { D("2012-12-24"), D("2012-12-31") }, Paris.EarlyCloses(2012).Select(c => c.Date));
    }

    [Theory]
    // The last of the national closures before the common calendar (exchange_calendars' XPAR tests).
    [InlineData("2001-06-04", false)] // Whit Monday
    [InlineData("2000-07-14", false)] // Bastille Day
    [InlineData("2001-12-31", false)] // New Year's Eve
    // From 2002 Paris trades them like the rest of Euronext.
    [InlineData("2002-05-20", true)]
    [InlineData("2003-07-14", true)]
    [InlineData("2002-12-31", true)]
    // Ascension was never a Bourse holiday.
    [InlineData("2001-05-24", true)]
    public void National_holidays_end_with_2001(string date, bool trades)
    {
        Assert.Equal(trades, Paris.IsSession(D(date)));
    }

    [Fact]
    public void New_Years_Eve_2002_is_the_first_half_day_on_the_31st()
    {
        Assert.Equal("2002-12-31T14:05", Local(Paris.SessionClose(D("2002-12-31"))));
    }

    [Theory]
    // "Since 20 September [1999] the Bourse has opened at 9 instead of the traditional 10"; from Monday 3 April 2000
    // the session runs 9:00-17:30 (Wall Street Italia, 2000-03-31).
    [InlineData("1990-01-02", "10:00", "17:00")]
    [InlineData("1999-09-17", "10:00", "17:00")]
    [InlineData("1999-09-20", "09:00", "17:00")]
    [InlineData("2000-03-31", "09:00", "17:00")]
    [InlineData("2000-04-03", "09:00", "17:30")]
    public void Hours_moved_to_09_00_17_30_in_two_steps(string date, string open, string close)
    {
        Assert.Equal($"{date}T{open}", Local(Paris.SessionOpen(D(date))));
        Assert.Equal($"{date}T{close}", Local(Paris.SessionClose(D(date))));
    }

    [Fact]
    public void Hours_are_Paris_time_across_summer_time()
    {
        Assert.Equal(I("2024-01-05T08:00:00Z"), Paris.SessionOpen(D("2024-01-05")).ToInstant());
        Assert.Equal(I("2024-07-05T07:00:00Z"), Paris.SessionOpen(D("2024-07-05")).ToInstant());
        Assert.Equal(I("2024-07-05T15:30:00Z"), Paris.SessionClose(D("2024-07-05")).ToInstant());
    }

    [Fact]
    public void A_year_in_the_2030s_follows_the_same_rules()
    {
        // 2033: Easter on 17 April; New Year's Day, 1 May and Christmas fall on weekends and are not moved; Christmas
        // Eve and New Year's Eve are Saturdays, so there is no half day.
        Assert.Equal(new[] { "04-15", "04-18", "12-26" }.Select(md => D(2033, md)), Paris.Holidays(2033).Select(h => h.Date));
        Assert.Empty(Paris.EarlyCloses(2033));
    }

    [Fact]
    public void Paris_or_London_on_the_early_May_bank_holiday()
    {
        // 2019-05-06: London closed, Paris open; Labour Day 2019-05-01: Paris closed, London open.
        var both = ExchangeCalendar.Get("XPAR & XLON");
        Assert.False(both.IsSession(D("2019-05-06")));
        Assert.False(both.IsSession(D("2019-05-01")));
        Assert.True(ExchangeCalendar.Get("XPAR | XLON").IsSession(D("2019-05-01")));
    }
}
