using System;
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Pipelines.Hangfire;

/// <summary>
/// Writes a task record (<see cref="PipelineStore.Serialize"/>): its state's name, a '|', then its fields as the JSON
/// System.Text.Json writes for <see cref="PipelineStore.StoredTask"/> with the web defaults (camel-case names in declaration
/// order, <c>null</c> for the fields that have no value, and the optional ones left out), which is how records are read.
/// </summary>
/// <remarks>
/// Every try's start and end writes its record, and the serializer made an object of the record's fields, an array of
/// its job ids, the JSON as a string, and then the record as a second string with the state in front. Here the JSON is
/// written into a buffer the thread keeps and the record is made from it as one string.
/// </remarks>
internal static class TaskRecordText
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static string Write(TaskInstance task)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber("try", task.TryNumber);
        WriteInstant(writer, "start", task.Start);
        WriteInstant(writer, "end", task.End);
        writer.WriteString("server", task.Server);
        writer.WriteString("reason", task.Reason);
        if (task.JobIds.IsDefaultOrEmpty)
        {
            writer.WriteNull("jobs");
        }
        else
        {
            writer.WriteStartArray("jobs");
            foreach (var id in task.JobIds) writer.WriteStringValue(id);
            writer.WriteEndArray();
        }
        WriteInstant(writer, "firstPoke", task.FirstPoke);
        if (task.FirstTry != 1) writer.WriteNumber("firstTry", task.FirstTry);
        if (task.ClearRequested) writer.WriteBoolean("cleared", true);
        if (task.Execution is not null) writer.WriteString("exec", task.Execution);
        if (task.MapLength is { } map) writer.WriteNumber("map", map);
        writer.WriteEndObject();
        writer.Flush();

        var state = task.State.Name();
        var json = buffer.WrittenSpan;
        var record = string.Create(state.Length + 1 + Encoding.UTF8.GetCharCount(json), state, static (record, name) =>
        {
            name.AsSpan().CopyTo(record);
            record[name.Length] = '|';
            Encoding.UTF8.GetChars(t_buffer!.WrittenSpan, record[(name.Length + 1)..]);
        });
        // A record with a long reason (an exception's message) grows the buffer: the thread does not keep a large one.
        if (buffer.Capacity > MaxKeptBytes) (t_buffer, t_writer) = (null, null);
        return record;
    }

    /// <summary>The largest buffer a thread keeps between records.</summary>
    private const int MaxKeptBytes = 64 * 1024;

    private static void WriteInstant(Utf8JsonWriter writer, string name, NodaTime.Instant? instant)
    {
        if (instant is { } value) writer.WriteString(name, PipelineStore.Format(value));
        else writer.WriteNull(name);
    }
}
