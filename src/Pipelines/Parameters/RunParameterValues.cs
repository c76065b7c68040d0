using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Pipelines;

/// <summary>
/// Reads a run's stored parameter values (already checked and made canonical by <see cref="RunParameterSet.Bind"/>) for
/// the generated binding of a <see cref="RunParametersAttribute"/> parameter. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RunParameterValues
{
    /// <summary>The stored text of <paramref name="name"/>: by its declared name, else case-insensitively (a context built by hand in a test).</summary>
    public static bool TryGet(IReadOnlyDictionary<string, string> values, string name, out string text)
    {
        if (values is null) throw new ArgumentNullException(nameof(values));
        if (values.TryGetValue(name, out text!)) return true;
        foreach (var pair in values)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                text = pair.Value;
                return true;
            }
        }
        text = "";
        return false;
    }

    /// <summary>The error a run without a required value gets: it was created before the pipeline declared the parameter, or by hand.</summary>
    public static InvalidOperationException Missing(string pipelineId, string name) =>
        new($"Run parameter '{name}' of pipeline '{pipelineId}' has no value and no default; trigger the run with --param {name}=<value>.");

    /// <summary>Text as is.</summary>
    public static string String(string text) => text;

    /// <summary>An <c>int</c>.</summary>
    public static int Int32(string text) => int.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>A <c>long</c>.</summary>
    public static long Int64(string text) => long.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>A <c>decimal</c>.</summary>
    public static decimal Decimal(string text) => decimal.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A <c>double</c>.</summary>
    public static double Double(string text) => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A <c>bool</c>, in the forms <see cref="RunParameterSet.Bind"/> accepts.</summary>
    public static bool Boolean(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new FormatException($"'{text}' is not true or false."),
    };

    /// <summary>A <c>LocalDate</c> written <c>yyyy-MM-dd</c>.</summary>
    public static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text.Trim()).GetValueOrThrow();

    /// <summary>The elements of a comma-separated list, each read by <paramref name="parse"/>.</summary>
    public static List<T> List<T>(string text, Func<string, T> parse)
    {
        if (parse is null) throw new ArgumentNullException(nameof(parse));
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return new List<T>();
        var parts = trimmed.Split(',');
        var list = new List<T>(parts.Length);
        foreach (var part in parts) list.Add(parse(part.Trim()));
        return list;
    }

    /// <summary>The error for a stored enum value that names no member.</summary>
    public static FormatException NotAMember(string text, string enumName) => new($"'{text}' is not a member of {enumName}.");
}
