using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// The Tokyo Stock Exchange against JPX's published market holidays (as reproduced by the sources named on each year),
/// its changes of hours (TSE's November 2010 notice; JPX and the press on 2024-11-05) and its lunch break.
/// </summary>
public sealed class XtksTests
{
    private static readonly ExchangeCalendar Tokyo = ExchangeCalendar.Get("XTKS");
    private static readonly DateTimeZone TokyoZone = DateTimeZoneProviders.Tzdb["Asia/Tokyo"];

    private static string Local(ZonedDateTime? time) => time?.LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null) ?? "none";

    private static Instant Jst(string local) => TokyoZone.AtStrictly(NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(local + ":00").Value).ToInstant();

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // JPX 2016 calendar (ryt9.com, citing jpx.co.jp): Vernal Equinox on Sunday 03-20, observed 03-21.
        { 2016, ["01-01", "01-11", "02-11", "03-21", "04-29", "05-03", "05-04", "05-05", "07-18", "08-11", "09-19", "09-22", "10-10", "11-03", "11-23", "12-23"] },
        // JPX 2018: National Foundation Day, Showa Day, Autumnal Equinox and the Emperor's Birthday observed on Mondays.
        { 2018, ["01-01", "01-02", "01-03", "01-08", "02-12", "03-21", "04-30", "05-03", "05-04", "07-16", "09-17", "09-24", "10-08", "11-23", "12-24", "12-31"] },
        // JPX 2020: the Olympic moves (Marine Day 07-23, Sports Day 07-24, Mountain Day 08-10), and the citizens'
        // holiday 09-22; 10-01 is the all-day system failure.
        { 2020, ["01-01", "01-02", "01-03", "01-13", "02-11", "02-24", "03-20", "04-29", "05-04", "05-05", "05-06", "07-23", "07-24", "08-10", "09-21", "09-22", "10-01", "11-03", "11-23", "12-31"] },
        // JPX 2022 calendar (market24hclock.com).
        { 2022, ["01-03", "01-10", "02-11", "02-23", "03-21", "04-29", "05-03", "05-04", "05-05", "07-18", "08-11", "09-19", "09-23", "10-10", "11-03", "11-23"] },
        // JPX 2023 calendar (market24hclock.com): New Year's Day on Sunday, observed 01-02.
        { 2023, ["01-02", "01-03", "01-09", "02-23", "03-21", "05-03", "05-04", "05-05", "07-17", "08-11", "09-18", "10-09", "11-03", "11-23"] },
        // 2025 (Osaka Dojima Exchange's holiday schedule, which follows the same national holidays and year-end closure).
        { 2025, ["01-01", "01-02", "01-03", "01-13", "02-11", "02-24", "03-20", "04-29", "05-05", "05-06", "07-21", "08-11", "09-15", "09-23", "10-13", "11-03", "11-24", "12-31"] },
    };

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_the_published_holidays(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), Tokyo.Holidays(year).Select(h => h.Date));
    }

    [Fact]
    public void The_2019_enthronement_gave_ten_days_off_from_april_27_to_may_6()
    {
        // Showa Day (Mon 04-29), citizens' holidays 04-30 and 05-02 around Enthronement Day 05-01, Constitution Day,
        // Greenery Day, Children's Day (Sun 05-05) observed 05-06; and the Enthronement Ceremony on 10-22.
        foreach (var md in new[] { "04-29", "04-30", "05-01", "05-02", "05-03", "05-06", "10-22" })
        {
            Assert.False(Tokyo.IsSession(D(2019, md)), md);
        }

        Assert.Equal(D("2019-04-26"), Tokyo.PreviousSession(D("2019-04-29")));
        Assert.Equal(D("2019-05-07"), Tokyo.NextSession(D("2019-04-26")));
        Assert.True(Tokyo.IsSession(D("2019-12-23"))); // no Emperor's Birthday in 2019
    }

    [Fact]
    public void A_session_breaks_for_lunch_from_11_30_to_12_30_and_closes_at_15_30_since_2024_11_05()
    {
        var day = D("2025-01-06");
        Assert.Equal("2025-01-06T09:00", Local(Tokyo.SessionOpen(day)));
        Assert.Equal("2025-01-06T11:30", Local(Tokyo.BreakStart(day)));
        Assert.Equal("2025-01-06T12:30", Local(Tokyo.BreakEnd(day)));
        Assert.Equal("2025-01-06T15:30", Local(Tokyo.SessionClose(day)));
    }

    [Fact]
    public void The_close_moved_from_15_00_to_15_30_on_2024_11_05()
    {
        // Friday 2024-11-01 was the last 15:00 close; Monday 11-04 was a holiday (Culture Day observed).
        Assert.Equal("2024-11-01T15:00", Local(Tokyo.SessionClose(D("2024-11-01"))));
        Assert.False(Tokyo.IsSession(D("2024-11-04")));
        Assert.Equal("2024-11-05T15:30", Local(Tokyo.SessionClose(D("2024-11-05"))));
    }

    [Fact]
    public void Lunch_started_at_11_00_until_the_morning_session_was_extended_on_2011_11_21()
    {
        Assert.Equal("2011-11-18T11:00", Local(Tokyo.BreakStart(D("2011-11-18"))));
        Assert.Equal("2011-11-21T11:30", Local(Tokyo.BreakStart(D("2011-11-21"))));
        Assert.Equal("2011-11-21T12:30", Local(Tokyo.BreakEnd(D("2011-11-21"))));
    }

    [Fact]
    public void The_first_and_last_sessions_of_the_year_traded_the_morning_only_until_2009()
    {
        // Dai-nokai 2008-12-30 and Dai-hakkai 2009-01-05 closed at 11:00 with no afternoon; from Dai-nokai 2009-12-30
        // both trade the full day (Rakuten Securities' history; Wikipedia ja "大発会・大納会").
        Assert.Equal("2008-12-30T11:00", Local(Tokyo.SessionClose(D("2008-12-30"))));
        Assert.Null(Tokyo.BreakStart(D("2008-12-30")));
        Assert.Equal("2009-01-05T11:00", Local(Tokyo.SessionClose(D("2009-01-05"))));
        Assert.Equal("2009-12-30T15:00", Local(Tokyo.SessionClose(D("2009-12-30"))));
        Assert.Equal("2010-01-04T15:00", Local(Tokyo.SessionClose(D("2010-01-04"))));
        Assert.Equal("2010-01-04T11:00", Local(Tokyo.BreakStart(D("2010-01-04"))));
    }

    [Theory]
    [InlineData("2025-01-06T11:29", true)]
    [InlineData("2025-01-06T11:30", false)]
    [InlineData("2025-01-06T12:29", false)]
    [InlineData("2025-01-06T12:30", true)]
    [InlineData("2025-01-06T15:29", true)]
    [InlineData("2025-01-06T15:30", false)]
    public void Tokyo_is_not_trading_over_lunch(string local, bool open)
    {
        Assert.Equal(open, Tokyo.IsOpenAt(Jst(local)));
    }

    [Theory]
    [InlineData(2024, "03-20", "09-22")]
    [InlineData(2025, "03-20", "09-23")]
    [InlineData(2026, "03-20", "09-23")]
    [InlineData(2012, "03-20", "09-22")]
    [InlineData(1995, "03-21", "09-23")]
    public void Equinox_days_match_the_gazetted_dates(int year, string vernal, string autumnal)
    {
        Assert.Equal([D(year, vernal)], new EquinoxHoliday("Vernal Equinox Day", Autumnal: false).NominalDates(year));
        Assert.Equal([D(year, autumnal)], new EquinoxHoliday("Autumnal Equinox Day", Autumnal: true).NominalDates(year));
    }
}
