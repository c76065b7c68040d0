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
}
