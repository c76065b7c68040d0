using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using NodaTime.Text;

namespace Pipelines;

/// <summary>
/// A pipeline's typed run parameters as the generator described them (<see cref="PipelineDefinition.Parameters"/>), and the
/// one place operator input is checked against them: <see cref="Bind"/> turns <c>key=value</c> strings into the stored,
/// canonical values, defaults filled in, or says what is wrong, one sentence per problem. The command line, the JSON API,
/// the dashboard and the scheduler all reach it through <c>PipelineOperations.Trigger</c>.
/// </summary>
/// <remarks>
/// Validation is data-driven here rather than generated per pipeline: the rules (kinds, ranges, patterns, did-you-mean)
/// are the same for every record, the description is needed anyway for the form and the JSON Schema, and a caller without
/// the user's assembly loaded still gets the same answer. Only the last step, canonical strings to the typed record, is
/// generated, so a task's binding stays reflection-free.
/// </remarks>
public sealed class RunParameterSet
{
    private readonly Dictionary<string, RunParameter> _byName;

    /// <summary>Creates a set. Generated code calls this.</summary>
    public RunParameterSet(Type type, ImmutableArray<RunParameter> parameters)
    {
        Type = type ?? throw new ArgumentNullException(nameof(type));
        Parameters = parameters;
        _byName = new Dictionary<string, RunParameter>(parameters.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters) _byName[parameter.Name] = parameter;
    }

    /// <summary>The record type.</summary>
    public Type Type { get; }

    /// <summary>The members, in declaration order.</summary>
    public ImmutableArray<RunParameter> Parameters { get; }

    /// <summary>The member whose name matches <paramref name="name"/> case-insensitively.</summary>
    public bool TryGet(string name, out RunParameter parameter) => _byName.TryGetValue(name, out parameter!);

    /// <summary>
    /// Checks <paramref name="given"/> (keys matched to member names case-insensitively) and returns the values to store
    /// with the run: every key under its declared name, every value in its canonical form, and the default of every member
    /// not given. Throws when anything is wrong, with every problem listed.
    /// </summary>
    /// <exception cref="RunParametersException">An unknown key, a bad value or a missing required value.</exception>
    public IReadOnlyDictionary<string, string> Bind(string pipelineId, IReadOnlyDictionary<string, string>? given)
    {
        var errors = new List<string>();
        var values = TryBind(given, errors);
        if (errors.Count > 0) throw new RunParametersException(pipelineId, errors);
        return values;
    }

    /// <summary>As <see cref="Bind"/>, adding one sentence per problem to <paramref name="errors"/> instead of throwing.</summary>
    public IReadOnlyDictionary<string, string> TryBind(IReadOnlyDictionary<string, string>? given, ICollection<string> errors)
    {
        if (errors is null) throw new ArgumentNullException(nameof(errors));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in given ?? new Dictionary<string, string>())
        {
            if (!_byName.TryGetValue(pair.Key, out var parameter))
            {
                var closest = Closest(pair.Key);
                errors.Add($"{pair.Key}={pair.Value}: there is no parameter '{pair.Key}'.{(closest is null ? "" : $" Did you mean '{closest}'?")} The parameters are {string.Join(", ", Parameters.Select(p => p.Name))}.");
                continue;
            }
            if (seen.TryGetValue(parameter.Name, out var earlier))
            {
                errors.Add($"{pair.Key}={pair.Value}: {parameter.Name} is given twice (also as {earlier}); give it once.");
                continue;
            }
            seen[parameter.Name] = pair.Key;
            if (Check(parameter, pair.Key, pair.Value ?? "", out var canonical) is { } error) errors.Add($"{pair.Key}={pair.Value}: {error}");
            else result[parameter.Name] = canonical;
        }

        foreach (var parameter in Parameters)
        {
            if (result.ContainsKey(parameter.Name) || seen.ContainsKey(parameter.Name)) continue;
            if (parameter.Default is { } fallback) result[parameter.Name] = fallback;
            else if (parameter.Required) errors.Add($"{parameter.Name}: missing; it is required ({Describe(parameter)}) and has no default.");
        }
        return result;
    }

    /// <summary>The sentence explaining what is wrong with <paramref name="text"/>, or null with its canonical form.</summary>
    private static string? Check(RunParameter parameter, string key, string text, out string canonical)
    {
        canonical = "";
        var trimmed = text.Trim();
        if (!parameter.IsList)
        {
            if (parameter.Required && trimmed.Length == 0) return $"{key} is required and cannot be empty.";
            return CheckOne(parameter, key, parameter.Kind == RunParameterKind.String ? text : trimmed, out canonical, element: false);
        }

        var parts = trimmed.Length == 0 ? Array.Empty<string>() : trimmed.Split(',');
        if (parameter.Required && parts.Length == 0) return $"{key} is required and cannot be empty.";
        var canonicalParts = new string[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 0) return $"{key} has an empty element at position {i + 1}; separate values with single commas.";
            if (CheckOne(parameter, key, part, out canonicalParts[i], element: true) is { } error) return error;
        }
        canonical = string.Join(",", canonicalParts);
        return null;
    }

    private static string? CheckOne(RunParameter parameter, string key, string text, out string canonical, bool element)
    {
        canonical = "";
        var quoted = element ? $" ('{text}' is not one)" : "";
        double? number = null;
        switch (parameter.Kind)
        {
            case RunParameterKind.String:
                canonical = text;
                break;
            case RunParameterKind.Int32:
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i32))
                    return $"{key} must be {Article(parameter, "a whole number", "whole numbers")}{Fits(text, "an int")}{quoted}";
                canonical = i32.ToString(CultureInfo.InvariantCulture);
                number = i32;
                break;
            case RunParameterKind.Int64:
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i64))
                    return $"{key} must be {Article(parameter, "a whole number", "whole numbers")}{Fits(text, "a long")}{quoted}";
                canonical = i64.ToString(CultureInfo.InvariantCulture);
                number = i64;
                break;
            case RunParameterKind.Decimal:
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var dec))
                    return $"{key} must be {Article(parameter, "a number such as 12.5", "numbers such as 12.5")}{quoted}";
                canonical = dec.ToString(CultureInfo.InvariantCulture);
                number = (double)dec;
                break;
            case RunParameterKind.Double:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var dbl) || double.IsNaN(dbl) || double.IsInfinity(dbl))
                    return $"{key} must be {Article(parameter, "a number such as 12.5", "numbers such as 12.5")}{quoted}";
                canonical = dbl.ToString("R", CultureInfo.InvariantCulture);
                number = dbl;
                break;
            case RunParameterKind.Boolean:
                switch (text.ToLowerInvariant())
                {
                    case "true": case "yes": case "1": canonical = "true"; break;
                    case "false": case "no": case "0": canonical = "false"; break;
                    default: return $"{key} must be {Article(parameter, "true or false", "true or false values")}{quoted}";
                }
                break;
            case RunParameterKind.Date:
                var date = LocalDatePattern.Iso.Parse(text);
                if (!date.Success) return $"{key} must be {Article(parameter, "a date written yyyy-MM-dd", "dates written yyyy-MM-dd")}{quoted}";
                canonical = LocalDatePattern.Iso.Format(date.Value);
                break;
            case RunParameterKind.Enum:
                var member = parameter.EnumValues.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase));
                if (member is null) return $"{key} must be {(parameter.IsList ? "a comma-separated list of " : "")}one of {string.Join(", ", parameter.EnumValues)}{quoted}";
                canonical = member;
                break;
        }

        if (number is { } value && (value < parameter.Minimum || value > parameter.Maximum))
            return $"{key} must be between {Format(parameter.Minimum)} and {Format(parameter.Maximum)}{(element ? $" ({text} is not)" : "")}";
        if (parameter.Pattern is { } pattern && !Regex.IsMatch(canonical, $"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            return $"{key} must match the pattern {pattern}{(element ? $" ('{text}' does not)" : "")}";
        return null;
    }

    private static string Article(RunParameter parameter, string one, string many) => parameter.IsList ? $"a comma-separated list of {many}" : one;

    private static string Fits(string text, string type) =>
        decimal.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? $" that fits {type}" : "";

    private static string Format(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "any";

    /// <summary>What a value must look like, for people: <c>a comma-separated list of text</c>, <c>a whole number from 1 to 10000</c>.</summary>
    public static string Describe(RunParameter parameter)
    {
        if (parameter is null) throw new ArgumentNullException(nameof(parameter));
        var kind = parameter.Kind switch
        {
            RunParameterKind.String => "text",
            RunParameterKind.Int32 or RunParameterKind.Int64 => parameter.IsList ? "whole numbers" : "a whole number",
            RunParameterKind.Decimal or RunParameterKind.Double => parameter.IsList ? "numbers" : "a number",
            RunParameterKind.Boolean => "true or false",
            RunParameterKind.Date => parameter.IsList ? "dates (yyyy-MM-dd)" : "a date (yyyy-MM-dd)",
            _ => $"one of {string.Join(", ", parameter.EnumValues)}",
        };
        return parameter.IsList ? $"a comma-separated list of {kind}" : kind;
    }

    private string? Closest(string key)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var parameter in Parameters)
        {
            var distance = Distance(key.ToLowerInvariant(), parameter.Name.ToLowerInvariant());
            if (distance < bestDistance) (best, bestDistance) = (parameter.Name, distance);
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
