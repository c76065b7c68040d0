using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace Pipelines;

/// <summary>
/// The JSON Schema (draft 2020-12) of a pipeline's run parameters, as <c>show &lt;pipeline&gt; --json</c> prints it. It
/// describes the values an API caller sends: each member as its JSON type, with the stored default, range and pattern.
/// Values are also accepted as the strings the command line takes, which <see cref="RunParameterSet.Bind"/> checks.
/// </summary>
public static class RunParameterSchema
{
    /// <summary>The schema of <paramref name="parameters"/>.</summary>
    public static JsonObject For(RunParameterSet parameters)
    {
        if (parameters is null) throw new ArgumentNullException(nameof(parameters));
        var properties = new JsonObject();
        foreach (var parameter in parameters.Parameters) properties[parameter.Name] = Member(parameter);
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = parameters.Type.Name,
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = parameters.Parameters.Where(p => p.Required && p.Default is null).Select(p => (JsonNode?)JsonValue.Create(p.Name)).ToArray();
        if (required.Length > 0) schema["required"] = new JsonArray(required);
        return schema;
    }

    private static JsonObject Member(RunParameter parameter)
    {
        var value = Scalar(parameter);
        JsonObject member;
        if (parameter.IsList)
        {
            member = new JsonObject { ["type"] = "array", ["items"] = value };
        }
        else member = value;
        if (parameter.Description is { } description) member["description"] = description;
        if (parameter.Default is { } fallback) member["default"] = DefaultNode(parameter, fallback);
        return member;
    }

    private static JsonObject Scalar(RunParameter parameter)
    {
        var node = new JsonObject();
        switch (parameter.Kind)
        {
            case RunParameterKind.Int32:
            case RunParameterKind.Int64:
                node["type"] = "integer";
                break;
            case RunParameterKind.Decimal:
            case RunParameterKind.Double:
                node["type"] = "number";
                break;
            case RunParameterKind.Boolean:
                node["type"] = "boolean";
                break;
            case RunParameterKind.Date:
                node["type"] = "string";
                node["format"] = "date";
                break;
            case RunParameterKind.Enum:
                node["type"] = "string";
                node["enum"] = new JsonArray(parameter.EnumValues.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
                break;
            default:
                node["type"] = "string";
                break;
        }
        if (parameter.Minimum is { } minimum) node["minimum"] = minimum;
        if (parameter.Maximum is { } maximum) node["maximum"] = maximum;
        if (parameter.Pattern is { } pattern) node["pattern"] = $"^(?:{pattern})$";
        return node;
    }

    private static JsonNode? DefaultNode(RunParameter parameter, string text)
    {
        if (parameter.IsList)
            return new JsonArray((text.Length == 0 ? Array.Empty<string>() : text.Split(',')).Select(part => ScalarNode(parameter.Kind, part)).ToArray());
        return ScalarNode(parameter.Kind, text);
    }

    private static JsonNode? ScalarNode(RunParameterKind kind, string text) => kind switch
    {
        RunParameterKind.Int32 or RunParameterKind.Int64 => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
        RunParameterKind.Decimal => JsonValue.Create(decimal.Parse(text, CultureInfo.InvariantCulture)),
        RunParameterKind.Double => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
        RunParameterKind.Boolean => JsonValue.Create(text == "true"),
        _ => JsonValue.Create(text),
    };
}
