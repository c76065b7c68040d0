using System;
using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Pipelines.Hangfire;

/// <summary>
/// Writes a task record (<see cref="PipelineStore.Serialize"/>): its state's name, a '|', then its fields as the JSON
/// System.Text.Json writes for <see cref="PipelineStore.StoredTask"/> with the web defaults (camel-case names in declaration
/// order, <c>null</c> for the fields that have no value, and the optional ones left out), which is how records are read;
/// and reads a record written so (<see cref="TryRead"/>) without the serializer.
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

    /// <summary>
    /// The task a record's JSON (after its state's prefix) gives, read as <see cref="Write"/> writes it: the names in any
    /// order, each field as its own type or null. Null for JSON in any other shape (a name in another spelling or case,
    /// a field this version does not know, a number written as a string, broken JSON), which the serializer reads as it
    /// always did, so a record reads the same either way.
    /// </summary>
    /// <remarks>
    /// Every try's start and end parses its task's record, and the serializer's object of the fields, its array of job
    /// ids and the frames it reads nested JSON with were a fifth of what a try's start allocated.
    /// </remarks>
    public static TaskInstance? TryRead(string taskId, ReadOnlySpan<char> json, TaskState state)
    {
        const int StackBytes = 2048;
        var most = Encoding.UTF8.GetMaxByteCount(json.Length);
        byte[]? rented = null;
        var bytes = most <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            // Strictly: text the serializer refuses (a lone surrogate) is left to it, not read with a replacement character.
            if (System.Text.Unicode.Utf8.FromUtf16(json, bytes, out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done) return null;
            var reader = new Utf8JsonReader(bytes[..length]);
            return Read(ref reader, taskId, state);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Broken JSON, or a string it cannot read (an escaped lone surrogate): the serializer says what is wrong.
            return null;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static TaskInstance? Read(ref Utf8JsonReader reader, string taskId, TaskState state)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        int tryNumber = 0;
        int? firstTry = null, map = null;
        string? start = null, end = null, server = null, reason = null, firstPoke = null, exec = null;
        bool? cleared = null;
        var jobs = ImmutableArray<string>.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var ok = true;
            if (reader.ValueTextEquals("try"u8)) ok = reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out tryNumber);
            else if (reader.ValueTextEquals("start"u8)) ok = ReadString(ref reader, out start);
            else if (reader.ValueTextEquals("end"u8)) ok = ReadString(ref reader, out end);
            else if (reader.ValueTextEquals("server"u8)) ok = ReadString(ref reader, out server);
            else if (reader.ValueTextEquals("reason"u8)) ok = ReadString(ref reader, out reason);
            else if (reader.ValueTextEquals("jobs"u8)) ok = ReadJobs(ref reader, out jobs);
            else if (reader.ValueTextEquals("firstPoke"u8)) ok = ReadString(ref reader, out firstPoke);
            else if (reader.ValueTextEquals("firstTry"u8)) ok = ReadNumber(ref reader, out firstTry);
            else if (reader.ValueTextEquals("cleared"u8)) ok = ReadBoolean(ref reader, out cleared);
            else if (reader.ValueTextEquals("exec"u8)) ok = ReadString(ref reader, out exec);
            else if (reader.ValueTextEquals("map"u8)) ok = ReadNumber(ref reader, out map);
            else ok = false;
            if (!ok) return null;
        }
        // The object is whole, and nothing follows it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
        return new TaskInstance(taskId, state, tryNumber, PipelineStore.ParseInstant(start), PipelineStore.ParseInstant(end), server, reason, jobs,
            PipelineStore.ParseInstant(firstPoke))
        {
            FirstTry = firstTry ?? 1,
            ClearRequested = cleared ?? false,
            Execution = exec,
            MapLength = map,
        };
    }

    private static bool ReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        value = reader.GetString();
        return true;
    }

    private static bool ReadNumber(ref Utf8JsonReader reader, out int? value)
    {
        value = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var number)) return false;
        value = number;
        return true;
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, out bool? value)
    {
        value = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return false;
        value = reader.GetBoolean();
        return true;
    }

    private static bool ReadJobs(ref Utf8JsonReader reader, out ImmutableArray<string> jobs)
    {
        jobs = ImmutableArray<string>.Empty;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.EndArray) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        // Most tasks have had one job.
        var first = reader.GetString()!;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            jobs = ImmutableArray.Create(first);
            return true;
        }
        var ids = ImmutableArray.CreateBuilder<string>();
        ids.Add(first);
        while (reader.TokenType == JsonTokenType.String)
        {
            ids.Add(reader.GetString()!);
            if (!reader.Read()) return false;
        }
        if (reader.TokenType != JsonTokenType.EndArray) return false;
        jobs = ids.ToImmutable();
        return true;
    }

    private static void WriteInstant(Utf8JsonWriter writer, string name, NodaTime.Instant? instant)
    {
        System.Span<char> text = stackalloc char[InstantText.MaxLength];
        if (instant is not { } value) writer.WriteNull(name);
        else if (InstantText.TryFormat(value, text, out var written)) writer.WriteString(name, text[..written]);
        else writer.WriteString(name, PipelineStore.Format(value));
    }
}
