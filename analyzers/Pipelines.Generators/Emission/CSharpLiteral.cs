using System.Globalization;
using System.Text;

namespace Pipelines.Generators.Emission;

/// <summary>Writes values as C# literals, with invariant culture.</summary>
internal static class CSharpLiteral
{
    public static string String(string? value)
    {
        if (value is null) return "null";
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    if (char.IsControl(c) || c == '\u2028' || c == '\u2029') builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string TimeSpan(long ticks) =>
        $"global::System.TimeSpan.FromTicks({ticks.ToString(CultureInfo.InvariantCulture)}L) /* {System.TimeSpan.FromTicks(ticks).ToString("c", CultureInfo.InvariantCulture)} */";

    public static string NullableTimeSpan(long? ticks) => ticks is { } value ? TimeSpan(value) : "null";
}
