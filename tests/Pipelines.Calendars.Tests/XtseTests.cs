using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// The Toronto Stock Exchange against TMX's published holiday schedules (the source of each year is named beside it;
/// "recalled" marks dates from TMX's calendars that could not be read here), its Christmas Eve early close (TMX holiday
/// operating schedules 2020-2024) and Toronto's daylight saving.
/// </summary>
public sealed class XtseTests
{
    private static readonly ExchangeCalendar Toronto = ExchangeCalendar.Get("XTSE");
    private static readonly DateTimeZone TorontoZone = DateTimeZoneProviders.Tzdb["America/Toronto"];

    private static string Local(ZonedDateTime time) => time.WithZone(TorontoZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // TSX 2015 (stock-market-holidays.org, from TMX's calendar): Boxing Day on Saturday made up on Monday 12-28.
        { 2015, ["01-01", "02-16", "04-03", "05-18", "07-01", "08-03", "09-07", "10-12", "12-25", "12-28"] },
        // 2021: TMX's holiday operating schedule of 2021-11-30 (Christmas on Saturday and Boxing Day on Sunday made up on
        // 12-27 and 12-28); the rest of the year as TMX's calendar lists it (recalled, not read here).
        { 2021, ["01-01", "02-15", "04-02", "05-24", "07-01", "08-02", "09-06", "10-11", "12-27", "12-28"] },
        // 2022: TMX's schedule of 2021-11-30 (New Year's Day on Saturday made up on 01-03); Christmas on Sunday gives 12-26
        // and 12-27; the rest recalled.
        { 2022, ["01-03", "02-21", "04-15", "05-23", "07-01", "08-01", "09-05", "10-10", "12-26", "12-27"] },
        // 2023: TMX's schedule of 2023-12-05 for December; Canada Day on Saturday made up on 07-03 (recalled).
        { 2023, ["01-02", "02-20", "04-07", "05-22", "07-03", "08-07", "09-04", "10-09", "12-25", "12-26"] },
        // 2024: worldmarketlive's TSX list (its Family Day, 02-12, is wrong: the third Monday of February 2024 is 02-19,
        // as TMX's calendar has it); TMX's schedule of 2024-12-02 for December.
        { 2024, ["01-01", "02-19", "03-29", "05-20", "07-01", "08-05", "09-02", "10-14", "12-25", "12-26"] },
        // 2025: TMX's schedule of 2024-12-02 (New Year's Day); the rest recalled.
        { 2025, ["01-01", "02-17", "04-18", "05-19", "07-01", "08-04", "09-01", "10-13", "12-25", "12-26"] },
    };

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_the_published_holidays(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), Toronto.Holidays(year).Select(h => h.Date));
    }

    [Theory]
    // Family Day is a holiday from 2008: Monday 2007-02-19 traded.
    [InlineData("2007-02-19", true)]
    [InlineData("2008-02-18", false)]
    // TSX stayed closed after the attacks of September 11.
    [InlineData("2001-09-11", false)]
    [InlineData("2001-09-12", false)]
    [InlineData("2001-09-13", true)]
    // Days governments observe but TMX does not: Remembrance Day, Truth and Reconciliation, the Queen's funeral.
    [InlineData("2024-11-11", true)]
    [InlineData("2024-09-30", true)]
    [InlineData("2022-09-19", true)]
    public void Other_eras_and_days(string date, bool session)
    {
        Assert.Equal(session, Toronto.IsSession(D(date)));
    }

    [Theory]
    [InlineData("2024-12-24", "2024-12-24T13:00")]
    // Friday December 24, 2021 closed early too (the rule follows the 24th, not the observed Christmas).
    [InlineData("2021-12-24", "2021-12-24T13:00")]
    // A weekend Christmas Eve is not moved: Friday 2022-12-23 traded the full day.
    [InlineData("2022-12-23", "2022-12-23T16:00")]
    [InlineData("2024-12-31", "2024-12-31T16:00")]
    public void Christmas_eve_closes_at_13_00(string date, string close)
    {
        Assert.Equal(close, Local(Toronto.SessionClose(D(date))));
    }

    [Fact]
    public void Sessions_keep_toronto_time_across_daylight_saving()
    {
        // EST (UTC-5) on Friday 2024-03-08, EDT (UTC-4) on Monday 2024-03-11 after the change on Sunday the 10th.
        Assert.Equal(I("2024-03-08T14:30:00Z"), Toronto.SessionOpen(D("2024-03-08")).ToInstant());
        Assert.Equal(I("2024-03-11T13:30:00Z"), Toronto.SessionOpen(D("2024-03-11")).ToInstant());
        Assert.Equal(I("2024-11-04T21:00:00Z"), Toronto.SessionClose(D("2024-11-04")).ToInstant());
    }

    [Fact]
    public void The_2030s_follow_the_rules()
    {
        // 2033: New Year's Day on Saturday made up on Monday 01-03; Victoria Day 05-23; Canada Day on Friday;
        // Christmas on Sunday gives 12-26 and 12-27.
        Assert.Equal(
            new[] { "01-03", "02-21", "04-15", "05-23", "07-01", "08-01", "09-05", "10-10", "12-26", "12-27" }.Select(md => D(2033, md)),
            Toronto.Holidays(2033).Select(h => h.Date));
    }
}
