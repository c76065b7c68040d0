using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Pipelines;

/// <summary>
/// Turns task results into JSON and back with System.Text.Json. Give it options with a source-generated
/// <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> to avoid reflection-based metadata entirely.
/// </summary>
public sealed class TaskDataSerializer
{
    /// <summary>
    /// Web defaults (camelCase), NodaTime types in their ISO forms (a <see cref="LocalDate"/> as "2024-03-08"),
    /// and reflection-based metadata as the fallback resolver.
    /// </summary>
    public static TaskDataSerializer Default { get; } = new(CreateDefaultOptions());

    /// <summary>The options behind <see cref="Default"/>, to extend (for example with a source-generated context) before use.</summary>
    public static JsonSerializerOptions CreateDefaultOptions() =>
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() }
            .ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    /// <summary>Creates a serializer over the given options; they are made read-only.</summary>
    public TaskDataSerializer(JsonSerializerOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>The options in use.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>Serializes a task result.</summary>
    public string Serialize<T>(T value) => JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));

    /// <summary>Reads a task result back.</summary>
    public T Deserialize<T>(string json) => JsonSerializer.Deserialize(json, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)))!;

    /// <summary>Reads element <paramref name="index"/> of a JSON array (a mapped task's element of its upstream collection).</summary>
    /// <exception cref="InvalidOperationException">The JSON is not an array, or it has no element at <paramref name="index"/>.</exception>
    public T DeserializeElement<T>(string json, int index)
    {
        using var document = JsonDocument.Parse(json);
        var array = document.RootElement;
        if (array.ValueKind != JsonValueKind.Array)
            throw new InvalidOperationException($"A mapped task's upstream output must be a JSON array, but it is a {array.ValueKind}.");
        var length = array.GetArrayLength();
        if (index < 0 || index >= length)
            throw new InvalidOperationException($"Map index {index} is outside the upstream collection of {length} element(s).");
        return array[index].Deserialize((JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)))!;
    }

    /// <summary>Reads one element of a mapped task's upstream collection (for its label).</summary>
    public T DeserializeElement<T>(JsonElement element) => element.Deserialize((JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)))!;

    /// <summary>
    /// How many elements a mapped task's upstream output holds: the length of a JSON array, 0 for <c>null</c>
    /// (an upstream that returned no collection maps to nothing); -1 when the JSON is not an array.
    /// </summary>
    public static int CountElements(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return 0;
        using var document = JsonDocument.Parse(json!);
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.Array => document.RootElement.GetArrayLength(),
            JsonValueKind.Null => 0,
            _ => -1,
        };
    }
}
