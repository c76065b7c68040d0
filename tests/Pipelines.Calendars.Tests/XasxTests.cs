using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// The Australian Securities Exchange against ASX's published trading calendars (the year named beside each), its
/// 14:10 early closes, and Sydney's daylight saving.
/// </summary>
public sealed class XasxTests
{
    private static readonly ExchangeCalendar Sydney = ExchangeCalendar.Get("XASX");
    private static readonly DateTimeZone SydneyZone = DateTimeZoneProviders.Tzdb["Australia/Sydney"];

    private static string Local(ZonedDateTime time) => time.WithZone(SydneyZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // ASX 2021 (calendarholidays.in's ASX schedule): Anzac Day on Sunday is not made up; Christmas on Saturday and
        // Boxing Day on Sunday give 12-27 and 12-28.
        { 2021, ["01-01", "01-26", "04-02", "04-05", "06-14", "12-27", "12-28"] },
        // ASX 2022 (recalled): the National Day of Mourning for Queen Elizabeth II (09-22); Christmas on Sunday gives
        // 12-26 and 12-27.
        { 2022, ["01-03", "01-26", "04-15", "04-18", "04-25", "06-13", "09-22", "12-26", "12-27"] },
        // ASX 2023 (recalled): New Year's Day on Sunday made up on 01-02; the first King's Birthday 06-12.
        { 2023, ["01-02", "01-26", "04-07", "04-10", "04-25", "06-12", "12-25", "12-26"] },
        // ASX 2024 (recalled; the holidays by name as buildearth.org reproduces ASX's 2024 calendar).
        { 2024, ["01-01", "01-26", "03-29", "04-01", "04-25", "06-10", "12-25", "12-26"] },
        // ASX 2025 (smallcaps.ca's ASX trading calendar; ryt9.com): Australia Day on Sunday made up on 01-27.
        { 2025, ["01-01", "01-27", "04-18", "04-21", "04-25", "06-09", "12-25", "12-26"] },
    };

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_the_published_holidays(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), Sydney.Holidays(year).Select(h => h.Date));
    }

    [Fact]
    public void Anzac_day_on_a_saturday_is_not_made_up()
    {
        // ASX 24's 2026 calendar: Monday 04-27 ("ANZAC Day") normal trading hours in Sydney, closed only in New Zealand.
        Assert.True(Sydney.IsSession(D("2026-04-27")));
    }

    [Theory]
    // Anzac Day on Sunday 2010 was made up on Monday; in 2011 it fell on Easter Monday and Tuesday was added.
    [InlineData("2010-04-26")]
    [InlineData("2011-04-25")]
    [InlineData("2011-04-26")]
    // Australia Day before 1994: the Monday on or after January 26.
    [InlineData("1990-01-29")]
    [InlineData("1999-12-31")]
    public void Historic_closures(string date)
    {
        Assert.False(Sydney.IsSession(D(date)));
    }

    [Theory]
    // ASX 2025 calendar (smallcaps.ca): Wednesday 12-24 and 12-31 close at 14:10; 2024 (exchange_calendars issue #372).
    [InlineData("2025-12-24", "2025-12-24T14:10")]
    [InlineData("2025-12-31", "2025-12-31T14:10")]
    [InlineData("2024-12-24", "2024-12-24T14:10")]
    [InlineData("2024-12-31", "2024-12-31T14:10")]
    // December 24 and 31, 2023 were Sundays: the Fridays before closed early (exchange_calendars; one other source says
    // the early close is dropped on weekend years instead, see the README).
    [InlineData("2023-12-22", "2023-12-22T14:10")]
    [InlineData("2023-12-29", "2023-12-29T14:10")]
    // 2022 had no early closes (ASX notice, November 2022).
    [InlineData("2022-12-23", "2022-12-23T16:00")]
    [InlineData("2022-12-30", "2022-12-30T16:00")]
    [InlineData("2033-12-30", "2033-12-30T14:10")]
    public void The_last_sessions_before_christmas_and_of_the_year_close_at_14_10(string date, string close)
    {
        Assert.Equal(close, Local(Sydney.SessionClose(D(date))));
    }

    [Fact]
    public void Sessions_keep_sydney_time_across_daylight_saving()
    {
        // AEDT (UTC+11) in January, AEST (UTC+10) in July; DST ended 2025-04-06 and began 2025-10-05.
        Assert.Equal(I("2025-01-05T23:00:00Z"), Sydney.SessionOpen(D("2025-01-06")).ToInstant());
        Assert.Equal(I("2025-07-07T00:00:00Z"), Sydney.SessionOpen(D("2025-07-07")).ToInstant());
        Assert.Equal(I("2025-04-04T05:00:00Z"), Sydney.SessionClose(D("2025-04-04")).ToInstant());
        Assert.Equal(I("2025-04-07T06:00:00Z"), Sydney.SessionClose(D("2025-04-07")).ToInstant());
        Assert.Null(Sydney.BreakStart(D("2025-04-07")));
    }

    [Fact]
    public void The_2030s_follow_the_rules()
    {
        // 2032: Australia Day on Monday, Easter 03-28, Anzac Day on Sunday not made up, King's Birthday 06-14,
        // Christmas on Saturday and Boxing Day on Sunday made up on 12-27 and 12-28.
        Assert.Equal(
            new[] { "01-01", "01-26", "03-26", "03-29", "06-14", "12-27", "12-28" }.Select(md => D(2032, md)),
            Sydney.Holidays(2032).Select(h => h.Date));
    }
}
