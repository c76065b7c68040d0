using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// Combined calendars around holidays of only one side. The sides' own dates are the published ones their own tests
/// check (NYSE holiday and early-close pages; CME's equity holiday schedule); these tests check how they combine.
/// </summary>
public sealed class CombinedCalendarTests
{
    private static readonly ExchangeCalendar NyseAndCme = ExchangeCalendar.Get("XNYS & CMES");
    private static readonly ExchangeCalendar NyseOrCme = ExchangeCalendar.Get("XNYS | CMES");

    [Fact]
    public void Both_is_named_by_its_normalised_expression_and_reports_in_the_first_calendars_zone()
    {
        var combined = ExchangeCalendar.Get("XNYS&CMES");
        Assert.Equal("XNYS & CMES", combined.Id);
        Assert.Equal("New York Stock Exchange and CME Globex equity futures", combined.Name);
        Assert.Equal(NewYork, combined.Zone);
        Assert.Same(NyseAndCme, ExchangeCalendar.Get("XNYS & CMES"));
        Assert.DoesNotContain("XNYS & CMES", ExchangeCalendar.Ids);
    }

    [Fact]
    public void Good_Friday_closes_both_so_neither_combination_trades()
    {
        // NYSE and CME equity futures both close on Good Friday 2024-03-29.
        Assert.False(NyseAndCme.IsSession(D("2024-03-29")));
        Assert.False(NyseOrCme.IsSession(D("2024-03-29")));
        Assert.True(NyseAndCme.TryGetHoliday(D("2024-03-29"), out var why));
        Assert.Equal("Good Friday (XNYS)", why);
        Assert.True(NyseOrCme.TryGetHoliday(D("2024-03-29"), out var whyEither));
        Assert.Equal("Good Friday (XNYS) and Good Friday (CMES)", whyEither);
    }

    [Fact]
    public void A_holiday_of_only_one_side_closes_both_and_leaves_either_open_on_the_other_sides_hours()
    {
        // Martin Luther King Jr. Day 2024-01-15: NYSE is closed; CME Globex equity trades from 17:00 Chicago on
        // Sunday to a 12:00 Chicago halt.
        var mlk = D("2024-01-15");
        Assert.False(NyseAndCme.IsSession(mlk));
        Assert.True(NyseAndCme.TryGetHoliday(mlk, out var why));
        Assert.Equal("Martin Luther King Jr. Day (XNYS)", why);

        Assert.True(NyseOrCme.IsSession(mlk));
        Assert.Equal("2024-01-14T18:00", InNewYork(NyseOrCme.SessionOpen(mlk)));
        Assert.Equal("2024-01-15T13:00", InNewYork(NyseOrCme.SessionClose(mlk)));
        Assert.True(NyseOrCme.TryGetEarlyClose(mlk, out var early));
        Assert.Equal(new LocalTime(13, 0), early.Close);
        Assert.EndsWith("(CMES)", early.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_opens_at_the_later_open_and_closes_at_the_earlier_close()
    {
        // A regular Thursday: NYSE 09:30-16:00 New York; CME 18:00 the evening before to 17:00 New York.
        var day = D("2024-03-28");
        Assert.Equal("2024-03-28T09:30", InNewYork(NyseAndCme.SessionOpen(day)));
        Assert.Equal("2024-03-28T16:00", InNewYork(NyseAndCme.SessionClose(day)));
        Assert.False(NyseAndCme.IsEarlyClose(day));

        // Either: the earlier open and the later close.
        Assert.Equal("2024-03-27T18:00", InNewYork(NyseOrCme.SessionOpen(day)));
        Assert.Equal("2024-03-28T17:00", InNewYork(NyseOrCme.SessionClose(day)));
    }

    [Fact]
    public void The_day_after_Thanksgiving_closes_at_the_earlier_of_the_two_early_closes()
    {
        // 2024-11-29: NYSE closes at 13:00 New York, CME equity at 12:15 Chicago (13:15 New York).
        var day = D("2024-11-29");
        Assert.Equal("2024-11-29T13:00", InNewYork(NyseAndCme.SessionClose(day)));
        Assert.True(NyseAndCme.TryGetEarlyClose(day, out var early));
        Assert.Equal(new LocalTime(13, 0), early.Close);
        Assert.Equal("2024-11-29T13:15", InNewYork(NyseOrCme.SessionClose(day)));
    }

    [Fact]
    public void Is_open_at_asks_both_sides()
    {
        // 2024-03-27 19:00 New York: CME is trading for the 28th's session, NYSE is not.
        Assert.False(NyseAndCme.IsOpenAt(I("2024-03-27T23:00:00Z")));
        Assert.True(NyseOrCme.IsOpenAt(I("2024-03-27T23:00:00Z")));
        Assert.True(NyseAndCme.IsOpenAt(I("2024-03-28T14:00:00Z")));
    }

    [Fact]
    public void Either_of_two_sessions_apart_in_time_is_closed_in_the_gap_and_has_no_break()
    {
        // Tokyo 2025-01-06: 09:00-15:30 with lunch 11:30-12:30; New York the same date 09:30-16:00.
        var either = ExchangeCalendar.Get("XTKS | XNYS");
        var day = D("2025-01-06");
        Assert.Equal(DateTimeZoneProviders.Tzdb["Asia/Tokyo"], either.Zone);
        Assert.Equal(new LocalDateTime(2025, 1, 6, 9, 0), either.SessionOpen(day).LocalDateTime);
        Assert.Equal("2025-01-06T16:00", InNewYork(either.SessionClose(day)));
        Assert.Null(either.BreakStart(day));
        Assert.True(either.IsOpenAt(I("2025-01-06T01:00:00Z")));   // 10:00 Tokyo
        Assert.False(either.IsOpenAt(I("2025-01-06T03:00:00Z")));  // Tokyo lunch
        Assert.False(either.IsOpenAt(I("2025-01-06T10:00:00Z")));  // after Tokyo, before New York
        Assert.True(either.IsOpenAt(I("2025-01-06T15:00:00Z")));   // 10:00 New York
    }

    [Fact]
    public void Parentheses_group_and_and_binds_tighter()
    {
        // Juneteenth 2024-06-19: NYSE closed, CME trades to a 12:00 halt, Tokyo trades.
        var day = D("2024-06-19");
        Assert.True(ExchangeCalendar.Get("XTKS | XNYS & CMES").IsSession(day));
        Assert.False(ExchangeCalendar.Get("(XTKS | XNYS) & CMES & XNYS").IsSession(day));
    }

    [Fact]
    public void An_unknown_id_inside_an_expression_is_named()
    {
        var error = Assert.Throws<UnknownCalendarException>(() => ExchangeCalendar.Get("XNYS & XNSY"));
        Assert.Equal("XNSY", error.Id);
        Assert.Equal("XNYS & XNSY", error.Expression);
        Assert.StartsWith("No exchange calendar is registered with id 'XNSY' (in 'XNYS & XNSY')", error.Message, StringComparison.Ordinal);
        Assert.False(ExchangeCalendar.TryGet("XNYS & XNSY", out _));
    }

    [Fact]
    public void A_malformed_expression_says_why()
    {
        var error = Assert.Throws<FormatException>(() => ExchangeCalendar.Get("XNYS &"));
        Assert.StartsWith("Calendar expression 'XNYS &' is invalid: expected a calendar id but the expression ends after 'XNYS &'.", error.Message, StringComparison.Ordinal);
        Assert.False(ExchangeCalendar.TryGet("XNYS &", out _));
        Assert.True(ExchangeCalendar.TryGet("XNYS & CMES", out var found));
        Assert.Same(NyseAndCme, found);
    }

    [Fact]
    public void Both_sides_trading_without_time_in_common_is_not_a_session_of_both()
    {
        // 2024-12-24: the LSE closes at 12:30 London (07:30 New York), two hours before the NYSE opens at 09:30.
        var day = new LocalDate(2024, 12, 24);
        var both = ExchangeCalendar.Get("XLON & XNYS");
        Assert.True(ExchangeCalendar.Get("XLON").IsSession(day));
        Assert.True(ExchangeCalendar.Get("XNYS").IsSession(day));
        Assert.False(both.IsSession(day));
        Assert.True(both.TryGetHoliday(day, out var why));
        Assert.Equal("no time in common: XLON closes at 12:30 before XNYS opens at 09:30", why);
        // The day before, they overlap from 09:30 New York to 16:30 London.
        Assert.True(both.IsSession(day.PlusDays(-1)));
    }

    [Fact]
    public void Get_and_TryGet_agree_and_one_expression_written_two_ways_is_one_calendar()
    {
        Assert.Same(ExchangeCalendar.Get("XNYS&CMES"), ExchangeCalendar.Get("XNYS & CMES"));
        foreach (var text in new[] { " XNYS ", "((XNYS))", "XNYS & CMES" })
        {
            Assert.True(ExchangeCalendar.TryGet(text, out var found), text);
            Assert.Same(ExchangeCalendar.Get(text), found);
        }
        Assert.False(ExchangeCalendar.TryGet("XNYS & XNOPE", out _));
        Assert.False(ExchangeCalendar.TryGet("XNYS &", out _));
    }
}
