using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// Xetra against Deutsche Börse's trading calendars and notices as reported at the time (the source is named beside
/// each case): the public holidays it trades on, the years it did not, its changes of hours and the year's last half day.
/// </summary>
public sealed class XetrTests
{
    private static readonly ExchangeCalendar Xetra = ExchangeCalendar.Get("XETR");
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    private static string Local(ZonedDateTime time) => time.WithZone(Berlin).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // "2006 there is no trading at the Frankfurt exchange on 14 and 17 April, 1 May and 25 and 26 December"
        // (dpa-AFX, 2005-12-29); Christmas Eve and New Year's Eve 2006 are Sundays; Whit Monday and 3 October trade.
        { 2006, ["04-14", "04-17", "05-01", "12-25", "12-26"] },
        // Deutsche Börse's 2016 calendar: "Monday to Friday except 1 January, 25 March, 28 March, 16 May, 3 October and
        // 26 December" (photaq, 2015): Whit Monday and German Unity Day closed.
        { 2016, ["01-01", "03-25", "03-28", "05-16", "10-03", "12-26"] },
        // The six weekday closures of 2021 (börse.net's list of Deutsche Börse holidays): Whit Monday closed.
        { 2021, ["01-01", "04-02", "04-05", "05-24", "12-24", "12-31"] },
    };

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_the_published_calendars(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), Xetra.Holidays(year).Select(h => h.Date));
    }

    [Theory]
    // Before 2000 the German exchanges closed on Ascension, Whit Monday and Corpus Christi (Handelsblatt, 2008: they are
    // trading days "since the start of 2000").
    [InlineData("1998-05-21", false)]
    [InlineData("1998-06-01", false)]
    [InlineData("1999-06-03", false)]
    // "This year trading already took place on Ascension, Whit Monday and Corpus Christi" (Handelsblatt, 2000).
    [InlineData("2000-06-01", true)]
    [InlineData("2000-06-12", true)]
    [InlineData("2000-06-22", true)]
    // Whit Monday 2007 fell on Memorial Day and Xetra closed with Wall Street; in 2008 it traded (Handelsblatt, 2008).
    [InlineData("2007-05-28", false)]
    [InlineData("2008-05-12", true)]
    // 2020: no trading on Whit Monday, regular trading on Ascension and Corpus Christi (bank notice citing Xetra).
    [InlineData("2020-05-21", true)]
    [InlineData("2020-06-01", false)]
    [InlineData("2020-06-11", true)]
    // "In 2022 regular trading took place" on Whit Monday (exchange_calendars).
    [InlineData("2022-06-06", true)]
    public void Whit_Monday_and_the_other_church_holidays_changed_over_the_years(string date, bool trades)
    {
        Assert.Equal(trades, Xetra.IsSession(D(date)));
    }

    [Theory]
    // The tenth anniversary was closed by exception; 3 October "will be a trading day again in future" (Handelsblatt, 2000).
    [InlineData("2000-10-03", false)]
    [InlineData("2001-10-03", true)]
    [InlineData("2006-10-03", true)]
    // Closed 2014-2021 (exchange_calendars' years, not checked against a notice here).
    [InlineData("2019-10-03", false)]
    // Deutsche Börse's trading-times notice for 2022-10-03 (aktiencheck): Xetra's hours unchanged; Morningstar on 2024.
    [InlineData("2022-10-03", true)]
    [InlineData("2024-10-03", true)]
    public void German_Unity_Day_is_a_trading_day_in_most_years(string date, bool trades)
    {
        Assert.Equal(trades, Xetra.IsSession(D(date)));
    }

    [Fact]
    public void The_500th_anniversary_of_the_Reformation_was_closed()
    {
        Assert.True(Xetra.TryGetHoliday(D("2017-10-31"), out var name));
        Assert.Equal("Reformation Day (500th anniversary)", name);
    }

    [Fact]
    public void The_first_session_is_Xetras_launch_with_the_floors_hours()
    {
        Assert.Equal(D("1997-11-28"), Xetra.FirstSupportedDate);
        Assert.Equal("1997-11-28T08:30", Local(Xetra.SessionOpen(D("1997-11-28"))));
        Assert.Equal("1997-11-28T17:00", Local(Xetra.SessionClose(D("1997-11-28"))));
        Assert.Throws<UnsupportedDateException>(() => Xetra.IsSession(D("1997-11-27")));
    }

    [Theory]
    // 09:00-17:30 "from 20 September 1999" (manager magazin).
    [InlineData("1999-09-17", "08:30", "17:00")]
    [InlineData("1999-09-20", "09:00", "17:30")]
    // Until 20:00 "from 2 June" 2000 (dpa-AFX, 2000-02-11).
    [InlineData("2000-06-01", "09:00", "17:30")]
    [InlineData("2000-06-02", "09:00", "20:00")]
    // Closing at 17:30 instead of 20:00 "on Monday for the first time" (stern, 2003-11-03).
    [InlineData("2003-10-31", "09:00", "20:00")]
    [InlineData("2003-11-03", "09:00", "17:30")]
    public void Hours_changed_three_times(string date, string open, string close)
    {
        Assert.Equal($"{date}T{open}", Local(Xetra.SessionOpen(D(date))));
        Assert.Equal($"{date}T{close}", Local(Xetra.SessionClose(D(date))));
    }

    [Fact]
    public void Hours_are_Frankfurt_time_across_summer_time()
    {
        Assert.Equal(I("2024-01-05T08:00:00Z"), Xetra.SessionOpen(D("2024-01-05")).ToInstant());
        Assert.Equal(I("2024-01-05T16:30:00Z"), Xetra.SessionClose(D("2024-01-05")).ToInstant());
        Assert.Equal(I("2024-07-05T07:00:00Z"), Xetra.SessionOpen(D("2024-07-05")).ToInstant());
        Assert.Equal(I("2024-07-05T15:30:00Z"), Xetra.SessionClose(D("2024-07-05")).ToInstant());
    }

    [Theory]
    // Xetra orders "until about 13:50" on 2000-12-29 with the floor closing at 14:00 (bank notice, 2000-12-23), when the
    // regular close was 20:00. Closing auction called from 14:00 on the last trading day: 2005-12-30 (dpa-AFX), 2012-12-28 (Börse Frankfurt),
    // 2020-12-30 ("XETRA - Handelsschluss: 14:00 Uhr", bank notice), 2025-12-30 (ariva, wallstreet-online).
    [InlineData("2000-12-29")]
    [InlineData("2005-12-30")]
    [InlineData("2012-12-28")]
    [InlineData("2020-12-30")]
    [InlineData("2025-12-30")]
    public void The_last_session_of_the_year_closes_at_two(string date)
    {
        Assert.Equal($"{date}T14:00", Local(Xetra.SessionClose(D(date))));
        Assert.Equal(D(date), Xetra.EarlyCloses(D(date).Year).Single().Date);
    }

    [Fact]
    public void Christmas_2025_follows_the_published_arrangements()
    {
        // Closed 24, 25, 26 and 31 December and 1 January; the 29th a normal day, the 30th until 14:00 (ariva, 2025).
        foreach (var closed in new[] { "2025-12-24", "2025-12-25", "2025-12-26", "2025-12-31", "2026-01-01" })
        {
            Assert.False(Xetra.IsSession(D(closed)), closed);
        }

        Assert.Equal("2025-12-29T17:30", Local(Xetra.SessionClose(D("2025-12-29"))));
        Assert.Equal(D("2026-01-02"), Xetra.NextSession(D("2025-12-30")));
    }

    [Fact]
    public void A_year_in_the_2030s_follows_the_same_rules()
    {
        // 2031: Easter on 13 April; 1 May a Thursday; Whit Monday (2 June) and 3 October (a Friday) trade; 24-26 and
        // 31 December are weekdays; the last session, Tuesday 30 December, closes at 14:00.
        Assert.Equal(
            new[] { "01-01", "04-11", "04-14", "05-01", "12-24", "12-25", "12-26", "12-31" }.Select(md => D(2031, md)),
            Xetra.Holidays(2031).Select(h => h.Date));
        Assert.Equal("2031-12-30T14:00", Local(Xetra.SessionClose(D("2031-12-30"))));
    }

    [Fact]
    public void Xetra_with_London_around_holidays_of_only_one_side()
    {
        var both = ExchangeCalendar.Get("XETR & XLON");
        var either = ExchangeCalendar.Get("XETR | XLON");

        // The early May bank holiday 2024-05-06 closes London only.
        Assert.False(both.IsSession(D("2024-05-06")));
        Assert.True(either.IsSession(D("2024-05-06")));
        Assert.Equal("2024-05-06T09:00", Local(either.SessionOpen(D("2024-05-06"))));

        // Christmas Eve 2024: Xetra closed, London's half day to 12:30 London (13:30 Frankfurt).
        Assert.False(both.IsSession(D("2024-12-24")));
        Assert.Equal("2024-12-24T13:30", Local(either.SessionClose(D("2024-12-24"))));

        // A day both trade: London opens 08:00 London (09:00 Frankfurt) and closes 16:30 London (17:30 Frankfurt).
        Assert.Equal("2024-07-05T09:00", Local(both.SessionOpen(D("2024-07-05"))));
        Assert.Equal("2024-07-05T17:30", Local(both.SessionClose(D("2024-07-05"))));
    }
}
