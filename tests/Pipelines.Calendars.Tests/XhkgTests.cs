using Pipelines.Schedules;
using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// The Stock Exchange of Hong Kong against the Hong Kong government's general holiday lists (gov.hk, by year), HKEX's
/// trading-hours notices (2010-11-23, 2011-01-24, 2012-03-01) and its half-day rule (Rule 501: no afternoon on the eves
/// of Christmas, New Year and Lunar New Year).
/// </summary>
public sealed class XhkgTests
{
    private static readonly ExchangeCalendar HongKong = ExchangeCalendar.Get("XHKG");
    private static readonly DateTimeZone HongKongZone = DateTimeZoneProviders.Tzdb["Asia/Hong_Kong"];

    private static string Local(ZonedDateTime? time) => time?.WithZone(HongKongZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null) ?? "none";

    private static Instant Hkt(string local) => HongKongZone.AtStrictly(NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(local + ":00").Value).ToInstant();

    public static TheoryData<int, string[]> PublishedClosures => new()
    {
        // Gazetted 2010 list (as reprinted by mayloon.com): Lunar New Year's Day on Sunday 02-14, so under the old rule
        // the day preceding it (Saturday 02-13) with the second and third days; Ching Ming on Easter Monday 04-05, so
        // "the day following Ching Ming Festival" 04-06; Christmas on Saturday, the first weekday after it 12-27.
        { 2010, ["01-01", "02-15", "02-16", "04-02", "04-05", "04-06", "05-21", "06-16", "07-01", "09-23", "10-01", "12-27"] },
        // 2013 (J.P. Morgan's Hong Kong bank holidays): Lunar New Year's Day on Sunday 02-10, so the second to fourth
        // days; Chung Yeung on Sunday 10-13 made up on 10-14; and typhoon Utor closed the exchange on 08-14.
        { 2013, ["01-01", "02-11", "02-12", "02-13", "03-29", "04-01", "04-04", "05-01", "05-17", "06-12", "07-01", "08-14", "09-20", "10-01", "10-14", "12-25", "12-26"] },
        // Gazetted 2014 list (reprinted by aroundtheworldsg): the third day of Lunar New Year on Sunday, so the fourth
        // (02-03); Ching Ming on Saturday 04-05 is not made up.
        { 2014, ["01-01", "01-31", "02-03", "04-18", "04-21", "05-01", "05-06", "06-02", "07-01", "09-09", "10-01", "10-02", "12-25", "12-26"] },
        // 2021 (CMB International's holiday table): the fourth day of Lunar New Year 02-15; Ching Ming on Easter
        // Sunday, made up on 04-05 and Easter Monday's place taken on 04-06; typhoon Kompasu closed 10-13.
        { 2021, ["01-01", "02-12", "02-15", "04-02", "04-05", "04-06", "05-19", "06-14", "07-01", "09-22", "10-01", "10-13", "10-14", "12-27"] },
        // gov.hk 2023 (recalled from the gazetted list; the page was not reachable here): New Year's Day on Sunday made
        // up on 01-02; Lunar New Year's Day on Sunday 01-22, so the second, third and fourth days; National Day on
        // Sunday made up on 10-02; plus the whole days HKEX lost to typhoon Talim (07-17) and the black rainstorm
        // (09-08).
        { 2023, ["01-02", "01-23", "01-24", "01-25", "04-05", "04-07", "04-10", "05-01", "05-26", "06-22", "07-17", "09-08", "10-02", "10-23", "12-25", "12-26"] },
        // gov.hk 2024 (as summarised by toishi.info: 15 weekday holidays, the fourth day 02-13 a substitute): Lunar New
        // Year's Day on Saturday 02-10, the second day on Sunday, so the third (02-12) and fourth (02-13) days; Ching
        // Ming 04-04, Buddha's Birthday 05-15, Tuen Ng 06-10, the day after Mid-Autumn 09-18, Chung Yeung 10-11; and
        // typhoon Yagi (09-06).
        { 2024, ["01-01", "02-12", "02-13", "03-29", "04-01", "04-04", "05-01", "05-15", "06-10", "07-01", "09-06", "09-18", "10-01", "10-11", "12-25", "12-26"] },
        // gov.hk 2025 (its second half as reproduced in Wikipedia's list of Hong Kong holidays): Lunar New Year 01-29
        // to 01-31, Ching Ming 04-04, Buddha's Birthday 05-05, Tuen Ng on Saturday 05-31, the day after Mid-Autumn
        // 10-07, Chung Yeung 10-29.
        { 2025, ["01-01", "01-29", "01-30", "01-31", "04-04", "04-18", "04-21", "05-01", "05-05", "07-01", "10-01", "10-07", "10-29", "12-25", "12-26"] },
        // gov.hk 2026 (recalled from the gazetted list; the page was not reachable here): Ching Ming on Easter Sunday
        // 04-05, made up after Easter Monday on 04-07; Buddha's Birthday on Sunday 05-24 made up on 05-25; the day
        // after Mid-Autumn 09-26 is a Saturday; Chung Yeung on Sunday 10-18 made up on 10-19; the first weekday after
        // Christmas is Saturday 12-26.
        { 2026, ["01-01", "02-17", "02-18", "02-19", "04-03", "04-06", "04-07", "05-01", "05-25", "06-19", "07-01", "10-01", "10-19", "12-25"] },
    };

    [Theory]
    [MemberData(nameof(PublishedClosures))]
    public void Weekday_closures_match_the_published_holidays(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), HongKong.Holidays(year).Select(h => h.Date));
    }

    [Theory]
    // Ching Ming on Easter Monday was made up the day after (2010-04-06; exchange_calendars' closures).
    [InlineData("2010-04-05")]
    [InlineData("2010-04-06")]
    // Lunar New Year's Day on Sunday before the 2011 amendment: the eve (a Saturday) was the substitute, so the
    // exchange closed the second and third days only.
    [InlineData("2010-02-15")]
    [InlineData("2010-02-16")]
    // The day after Mid-Autumn on National Day (2012-10-01) was made up on 10-02.
    [InlineData("2012-10-01")]
    [InlineData("2012-10-02")]
    // The day after Mid-Autumn on Sunday 2022-09-11, made up on Monday under the amended ordinance.
    [InlineData("2022-09-12")]
    // The handover: the Queen's Birthday on 06-30, then two days each for the region and National Day.
    [InlineData("1997-06-30")]
    [InlineData("1997-07-01")]
    [InlineData("1997-07-02")]
    [InlineData("1997-10-02")]
    // The Millennium general holiday and the 70th anniversary of the war's end.
    [InlineData("1999-12-31")]
    [InlineData("2015-09-03")]
    public void Substitutes_and_one_off_holidays_close_the_exchange(string date)
    {
        Assert.False(HongKong.IsSession(D(date)));
    }

    [Theory]
    // Labour Day and the Birthday of the Buddha became general holidays in 1999: Friday 1998-05-01 traded, and so did
    // Monday 1998-05-04, which would have made up for Buddha's Birthday on Sunday 05-03.
    [InlineData("1998-05-01", true)]
    [InlineData("1998-05-04", true)]
    [InlineData("2000-05-01", false)]
    [InlineData("2000-05-11", false)]
    public void Labour_day_and_buddhas_birthday_are_holidays_from_1999(string date, bool session)
    {
        Assert.Equal(session, HongKong.IsSession(D(date)));
    }

    [Theory]
    // Closures exchange_calendars records from the exchange's history: Tuen Ng on Sunday 1991-06-16 made up past the
    // Queen's Birthday Monday to Tuesday 06-18; Tuen Ng on the Queen's Birthday Monday 1994-06-13 made up on 06-14;
    // Ching Ming on Easter Monday 1999-04-05 made up on 04-06; the transitional Sino-Japanese War Victory Days.
    [InlineData("1991-06-17")]
    [InlineData("1991-06-18")]
    [InlineData("1994-06-13")]
    [InlineData("1994-06-14")]
    [InlineData("1999-04-06")]
    [InlineData("1997-08-18")]
    [InlineData("1998-08-17")]
    [InlineData("1998-10-02")]
    public void Collisions_of_the_1990s_were_made_up_on_the_next_free_day(string date)
    {
        Assert.False(HongKong.IsSession(D(date)));
    }

    [Fact]
    public void The_festival_table_matches_an_independent_lunisolar_computation_through_2033()
    {
        // .NET's ChineseLunisolarCalendar is computed independently of the table's source (exchange_calendars' tables
        // from the Observatory's almanacs); Ching Ming is a solar term it does not know.
        var lunar = new System.Globalization.ChineseLunisolarCalendar();
        LocalDate On(int year, int month, int day)
        {
            var leap = lunar.GetLeapMonth(year);
            var index = leap != 0 && month >= leap ? month + 1 : month;
            return LocalDate.FromDateTime(lunar.ToDateTime(year, index, day, 0, 0, 0, 0));
        }

        for (var year = 1990; year <= 2033; year++)
        {
            var festivals = ChineseFestivals.In(year)!;
            Assert.Equal(On(year, 1, 1), festivals.LunarNewYear);
            Assert.Equal(On(year, 4, 8), festivals.BuddhasBirthday);
            Assert.Equal(On(year, 5, 5), festivals.TuenNg);
            Assert.Equal(On(year, 8, 15), festivals.MidAutumn);
            Assert.Equal(On(year, 9, 9), festivals.ChungYeung);
            Assert.Equal(4, festivals.ChingMing.Month);
        }

        Assert.Null(ChineseFestivals.In(2036));
    }

    [Fact]
    public void Before_march_2011_the_session_ran_10_00_to_16_00_with_lunch_from_12_30_to_14_30()
    {
        var day = D("2010-06-01");
        Assert.Equal("2010-06-01T10:00", Local(HongKong.SessionOpen(day)));
        Assert.Equal("2010-06-01T12:30", Local(HongKong.BreakStart(day)));
        Assert.Equal("2010-06-01T14:30", Local(HongKong.BreakEnd(day)));
        Assert.Equal("2010-06-01T16:00", Local(HongKong.SessionClose(day)));
    }

    [Fact]
    public void From_2011_03_07_the_morning_opened_at_09_30_and_lunch_ran_12_00_to_13_30()
    {
        Assert.Equal("2011-03-04T10:00", Local(HongKong.SessionOpen(D("2011-03-04"))));
        var day = D("2011-03-07");
        Assert.Equal("2011-03-07T09:30", Local(HongKong.SessionOpen(day)));
        Assert.Equal("2011-03-07T12:00", Local(HongKong.BreakStart(day)));
        Assert.Equal("2011-03-07T13:30", Local(HongKong.BreakEnd(day)));
        Assert.Equal("2011-03-07T16:00", Local(HongKong.SessionClose(day)));
    }

    [Fact]
    public void Since_2012_03_05_lunch_runs_12_00_to_13_00()
    {
        Assert.Equal("2012-03-02T13:30", Local(HongKong.BreakEnd(D("2012-03-02"))));
        Assert.Equal("2012-03-05T13:00", Local(HongKong.BreakEnd(D("2012-03-05"))));
        Assert.Equal("2024-06-03T12:00", Local(HongKong.BreakStart(D("2024-06-03"))));
        Assert.Equal("2024-06-03T13:00", Local(HongKong.BreakEnd(D("2024-06-03"))));
    }

    [Theory]
    // Eves on weekdays trade the morning only, with no break: 12:00 since March 2011.
    [InlineData("2024-02-09", "2024-02-09T12:00")] // Lunar New Year's Eve
    [InlineData("2024-12-24", "2024-12-24T12:00")]
    [InlineData("2024-12-31", "2024-12-31T12:00")]
    [InlineData("2025-01-28", "2025-01-28T12:00")] // Lunar New Year's Eve
    [InlineData("2027-02-05", "2027-02-05T12:00")] // HKEX's 2027 holiday circular
    // 12:30 under the old hours.
    [InlineData("2008-12-24", "2008-12-24T12:30")]
    [InlineData("2011-02-02", "2011-02-02T12:30")] // Lunar New Year's Eve
    [InlineData("2021-02-11", "2021-02-11T12:00")] // CMB International's 2021 table: half days 02-11, 12-24, 12-31
    [InlineData("2021-12-24", "2021-12-24T12:00")]
    public void Half_days_trade_the_morning_only(string date, string close)
    {
        Assert.Equal(close, Local(HongKong.SessionClose(D(date))));
        Assert.Null(HongKong.BreakStart(D(date)));
        Assert.Null(HongKong.BreakEnd(D(date)));
    }

    [Fact]
    public void An_eve_on_a_weekend_is_not_moved()
    {
        // Christmas Eve 2022 was a Saturday: Friday 12-23 traded the full day.
        Assert.Equal("2022-12-23T16:00", Local(HongKong.SessionClose(D("2022-12-23"))));
        Assert.NotNull(HongKong.BreakStart(D("2022-12-23")));
    }

    [Theory]
    [InlineData("2024-06-03T11:59", true)]
    [InlineData("2024-06-03T12:00", false)]
    [InlineData("2024-06-03T12:59", false)]
    [InlineData("2024-06-03T13:00", true)]
    [InlineData("2024-06-03T15:59", true)]
    [InlineData("2024-06-03T16:00", false)]
    public void Hong_kong_is_not_trading_over_lunch(string local, bool open)
    {
        Assert.Equal(open, HongKong.IsOpenAt(Hkt(local)));
    }

    [Fact]
    public void A_break_end_schedule_fires_after_lunch_and_skips_the_half_days()
    {
        // Christmas week 2024: Monday 12-23 full, Tuesday 12-24 a morning only, 12-25/26 holidays, Friday 12-27 full.
        var schedule = new SessionSchedule(HongKong, PipelineSchedule.Parse("@break_end+00:05").Session!, HongKongZone);
        var first = schedule.NextAfter(Hkt("2024-12-23T14:00"));
        Assert.Equal(D("2024-12-27"), first?.Session);
        Assert.Equal(Hkt("2024-12-27T13:05"), first?.At);
        Assert.True(HongKong.MayHaveBreaks);
    }

    [Fact]
    public void The_2030s_follow_the_lunar_table()
    {
        // 2030 from the festival table (predictions, not yet gazetted): Lunar New Year's Day on Sunday 02-03, so the
        // second to fourth days; Ching Ming 04-05; Easter 04-21; Buddha's Birthday 05-09; Tuen Ng 06-05; the day after
        // Mid-Autumn 09-13; Chung Yeung on Saturday 10-05.
        Assert.Equal(
            new[] { "01-01", "02-04", "02-05", "02-06", "04-05", "04-19", "04-22", "05-01", "05-09", "06-05", "07-01", "09-13", "10-01", "12-25", "12-26" }.Select(md => D(2030, md)),
            HongKong.Holidays(2030).Select(h => h.Date));
        Assert.Equal("2035-12-31T12:00", Local(HongKong.SessionClose(D("2035-12-31"))));
    }

    [Fact]
    public void Hong_kong_and_new_york_share_no_time_but_either_trades_around_their_own_holidays()
    {
        // Lunar New Year 2025: New York trades, Hong Kong does not; Thanksgiving 2024: the other way round.
        var either = ExchangeCalendar.Get("XHKG | XNYS");
        Assert.True(either.IsSession(D("2025-01-29")));
        Assert.True(either.IsSession(D("2024-11-28")));
        Assert.False(ExchangeCalendar.Get("XHKG & XNYS").IsSession(D("2025-01-29")));
    }
}
