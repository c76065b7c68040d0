using System.Collections.Immutable;

namespace Pipelines.Tests;

/// <summary>The one place operator input meets typed run parameters: conversion, validation, defaults and the JSON Schema.</summary>
public sealed class RunParameterSetTests
{
    private enum Desk { Rates, Equities }

    private sealed record Shape;

    private static readonly RunParameterSet Set = new(typeof(Shape), ImmutableArray.Create(
        new RunParameter("Symbols", RunParameterKind.String) { IsList = true, Required = true, TypeName = "IReadOnlyList<string>", Pattern = "[A-Z]+" },
        new RunParameter("DryRun", RunParameterKind.Boolean) { Default = "false" },
        new RunParameter("MaxRows", RunParameterKind.Int32) { Default = "500", Minimum = 1, Maximum = 10_000, Description = "Rows per symbol." },
        new RunParameter("Size", RunParameterKind.Int64) { Default = "0" },
        new RunParameter("Scale", RunParameterKind.Decimal) { Default = "1.5" },
        new RunParameter("Tolerance", RunParameterKind.Double) { Default = "0.25" },
        new RunParameter("From", RunParameterKind.Date),
        new RunParameter("Desk", RunParameterKind.Enum) { Default = "Rates", EnumValues = ImmutableArray.Create("Rates", "Equities") },
        new RunParameter("Days", RunParameterKind.Date) { IsList = true }));

    private static Dictionary<string, string> Given(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static List<string> Errors(params string[] pairs)
    {
        var errors = new List<string>();
        Set.TryBind(Given(pairs), errors);
        return errors;
    }

    [Fact]
    public void Keys_match_case_insensitively_values_become_canonical_and_defaults_are_filled_in()
    {
        var values = Set.Bind("prices", Given("symbols=AAPL, MSFT", "DRYRUN=Yes", "maxrows=+20", "scale=2.50", "tolerance=1e-3", "from=2024-03-01", "desk=equities", "days=2024-03-01,2024-03-04"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["Symbols"] = "AAPL,MSFT",
            ["DryRun"] = "true",
            ["MaxRows"] = "20",
            ["Size"] = "0",
            ["Scale"] = "2.50",
            ["Tolerance"] = "0.001",
            ["From"] = "2024-03-01",
            ["Desk"] = "Equities",
            ["Days"] = "2024-03-01,2024-03-04",
        }, values);
    }

    [Fact]
    public void Only_required_members_must_be_given_and_members_without_default_stay_unset()
    {
        var values = Set.Bind("prices", Given("symbols=AAPL"));
        Assert.Equal("500", values["MaxRows"]);
        Assert.False(values.ContainsKey("From"));
        Assert.False(values.ContainsKey("Days"));
    }

    [Fact]
    public void Binding_is_idempotent_so_stored_values_bind_again_unchanged()
    {
        var once = Set.Bind("prices", Given("symbols=AAPL", "scale=3"));
        Assert.Equal(once, Set.Bind("prices", once));
    }

    [Theory]
    [InlineData("maxRows=ten", "maxRows=ten: maxRows must be a whole number")]
    [InlineData("maxRows=2.5", "maxRows=2.5: maxRows must be a whole number")]
    [InlineData("maxRows=10001", "maxRows=10001: maxRows must be between 1 and 10000")]
    [InlineData("size=9999999999999999999999", "size=9999999999999999999999: size must be a whole number that fits a long")]
    [InlineData("scale=1,5", "scale=1,5: scale must be a number such as 12.5")]
    [InlineData("tolerance=NaN", "tolerance=NaN: tolerance must be a number such as 12.5")]
    [InlineData("dryRun=maybe", "dryRun=maybe: dryRun must be true or false")]
    [InlineData("from=03/01/2024", "from=03/01/2024: from must be a date written yyyy-MM-dd")]
    [InlineData("desk=fx", "desk=fx: desk must be one of Rates, Equities")]
    [InlineData("days=2024-03-01,tomorrow", "days=2024-03-01,tomorrow: days must be a comma-separated list of dates written yyyy-MM-dd ('tomorrow' is not one)")]
    [InlineData("maxrow=5", "maxrow=5: there is no parameter 'maxrow'. Did you mean 'MaxRows'? The parameters are Symbols, DryRun, MaxRows, Size, Scale, Tolerance, From, Desk, Days.")]
    [InlineData("verbose=1", "verbose=1: there is no parameter 'verbose'. The parameters are Symbols, DryRun, MaxRows, Size, Scale, Tolerance, From, Desk, Days.")]
    public void A_bad_value_or_unknown_key_gives_one_sentence(string pair, string expected)
    {
        Assert.Equal(expected, Assert.Single(Errors("symbols=AAPL", pair)));
    }

    [Fact]
    public void A_pattern_applies_to_each_element_of_a_list()
    {
        Assert.Equal("symbols=AAPL,msft: symbols must match the pattern [A-Z]+ ('msft' does not)", Assert.Single(Errors("symbols=AAPL,msft")));
    }

    [Fact]
    public void A_missing_required_value_and_a_key_given_twice_are_errors_too()
    {
        Assert.Equal("Symbols: missing; it is required (a comma-separated list of text) and has no default.", Assert.Single(Errors()));
        Assert.Equal("MAXROWS=2: MaxRows is given twice (also as maxRows); give it once.", Assert.Single(Errors("symbols=A", "maxRows=1", "MAXROWS=2")));
    }

    [Fact]
    public void Bind_throws_with_every_problem()
    {
        var error = Assert.Throws<RunParametersException>(() => Set.Bind("prices", Given("maxRows=ten")));
        Assert.Equal("prices", error.PipelineId);
        Assert.Equal(new[] { "maxRows=ten: maxRows must be a whole number", "Symbols: missing; it is required (a comma-separated list of text) and has no default." }, error.Errors);
        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Fact]
    public void The_json_schema_gives_types_defaults_ranges_patterns_and_descriptions()
    {
        var schema = RunParameterSchema.For(Set).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Equal(
            """{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Shape","type":"object","properties":{"Symbols":{"type":"array","items":{"type":"string","pattern":"^(?:[A-Z]+)$"}},"DryRun":{"type":"boolean","default":false},"MaxRows":{"type":"integer","minimum":1,"maximum":10000,"description":"Rows per symbol.","default":500},"Size":{"type":"integer","default":0},"Scale":{"type":"number","default":1.5},"Tolerance":{"type":"number","default":0.25},"From":{"type":"string","format":"date"},"Desk":{"type":"string","enum":["Rates","Equities"],"default":"Rates"},"Days":{"type":"array","items":{"type":"string","format":"date"}}},"additionalProperties":false,"required":["Symbols"]}""",
            schema);
    }
}
