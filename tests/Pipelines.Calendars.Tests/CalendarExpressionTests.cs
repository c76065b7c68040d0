namespace Pipelines.Calendars.Tests;

/// <summary>Reading calendar expressions: ids, '&amp;' (both), '|' (either), parentheses; '&amp;' binds tighter.</summary>
public sealed class CalendarExpressionTests
{
    [Theory]
    [InlineData("XNYS", "XNYS")]
    [InlineData("  XNYS&CMES ", "XNYS & CMES")]
    [InlineData("XLON | XNYS & CMES", "XLON | XNYS & CMES")]
    [InlineData("(XLON | XNYS) & CMES", "(XLON | XNYS) & CMES")]
    [InlineData("XLON | (XNYS & CMES)", "XLON | XNYS & CMES")]
    [InlineData("((XNYS))", "XNYS")]
    [InlineData("A | (B | C)", "A | (B | C)")]
    public void An_expression_reads_back_with_only_the_parentheses_it_needs(string text, string normalised)
    {
        Assert.True(CalendarExpression.TryParse(text, out var expression, out var error), error);
        Assert.Equal(normalised, expression!.ToString());
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        Assert.True(CalendarExpression.TryParse("XLON | XNYS & CMES", out var expression, out _));
        var either = Assert.IsType<CalendarExpression.Either>(expression);
        Assert.Equal("XLON", Assert.IsType<CalendarExpression.Id>(either.Left).Name);
        Assert.IsType<CalendarExpression.Both>(either.Right);
    }

    [Fact]
    public void Each_id_keeps_its_position_in_the_text()
    {
        Assert.True(CalendarExpression.TryParse("(XNYS | XLNO) & CMES", out var expression, out _));
        Assert.Equal(new[] { ("XNYS", 1), ("XLNO", 8), ("CMES", 16) }, expression!.Ids().Select(id => (id.Name, id.Start)));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("XNYS &", "expected a calendar id but the expression ends after 'XNYS &'")]
    [InlineData("XNYS && CMES", "expected a calendar id at position 7 but found '&'")]
    [InlineData("| XNYS", "expected a calendar id at position 1 but found '|'")]
    [InlineData("(XNYS | CMES", "the '(' at position 1 is never closed")]
    [InlineData("XNYS CMES", "expected '&', '|' or the end at position 6 but found 'C'")]
    [InlineData("XNYS)", "expected '&', '|' or the end at position 5 but found ')'")]
    [InlineData("()", "expected a calendar id at position 2 but found ')'")]
    public void A_malformed_expression_says_why(string text, string reason)
    {
        Assert.False(CalendarExpression.TryParse(text, out var expression, out var error));
        Assert.Null(expression);
        Assert.Equal(reason, error);
    }
}
