using System.Collections.Immutable;
using global::Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A record this process wrote and reads back as the same string is the task it was written from, not parsed again
/// (<see cref="TaskRecordMemo"/>); any other string is parsed, and both give the same task.
/// </summary>
public sealed class TaskRecordMemoTests
{
    // As a coordinator on Hangfire.InMemory does (no test here runs one).
    public TaskRecordMemoTests() => TaskRecordMemo.Enable();

    private static readonly Instant Now = Instant.FromUtc(2026, 12, 4, 23, 5, 7) + Duration.FromTicks(1234567) + Duration.FromNanoseconds(89);

    public static TheoryData<string> Kinds => new() { "fresh", "running", "full" };

    private static TaskInstance Task(string kind) => kind switch
    {
        // A default job list: read back as an empty one.
        "fresh" => new TaskInstance("Extract", TaskState.Queued, 1, null, null, null, "Queued.", default, null),
        "running" => TaskInstance.Fresh("Load") with
        {
            State = TaskState.Running, TryNumber = 1, Start = Now, Server = "server-1:4", Reason = "Running try 1 on server-1:4.",
            JobIds = ImmutableArray.Create("17"), Execution = "0a1b2c3d4e5f",
        },
        _ => new TaskInstance("Load[3]", TaskState.UpForRetry, 3, Now, Now + Duration.FromSeconds(2), "server-é:1",
            "Try 2 failed: <IOException> \"a|b\" & 'c'\n\u0001 — retrying.", ImmutableArray.Create("41", "97"), Now - Duration.FromMinutes(1))
        {
            FirstTry = 2, ClearRequested = true, Execution = "a1b2c3d4e5f6", MapLength = 7,
        },
    };

    /// <summary>Every field of two tasks, the job lists by their ids.</summary>
    private static void AssertSame(TaskInstance expected, TaskInstance actual)
    {
        Assert.Equal(expected with { JobIds = actual.JobIds }, actual);
        Assert.Equal(expected.JobIds.IsDefault ? [] : expected.JobIds.ToArray(), actual.JobIds.ToArray());
        Assert.False(actual.JobIds.IsDefault);
    }

    /// <summary>
    /// Writes <paramref name="task"/> and reads its record back as the same string, until the read is the table's: tests
    /// run in parallel, and another test's record may take the slot in between (one in <see cref="TaskRecordMemo.Slots"/>).
    /// </summary>
    private static (string Record, TaskInstance Found) WrittenAndFound(TaskInstance task)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var record = PipelineStore.Serialize(task);
            var found = PipelineStore.ParseTask(task.TaskId, record);
            if (ReferenceEquals(found, TaskRecordMemo.Find(task.TaskId, record))) return (record, found);
        }
        throw new Xunit.Sdk.XunitException($"The record of {task.TaskId} was never read back from the table.");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_record_read_back_as_the_string_written_is_the_task_written_and_reads_as_a_parse_of_its_text(string kind)
    {
        var task = Task(kind);
        var (record, found) = WrittenAndFound(task);

        var parsed = PipelineStore.ParseTask(task.TaskId, new string(record));

        Assert.NotSame(found, parsed);
        AssertSame(task, found);
        // Found or parsed, a record reads the same: every field, the empty job list included.
        AssertSame(parsed, found);
    }

    [Fact]
    public void A_record_read_for_another_task_is_parsed()
    {
        var task = Task("running");
        var (record, found) = WrittenAndFound(task);

        var other = PipelineStore.ParseTask("Report", record);

        Assert.NotSame(found, other);
        Assert.Null(TaskRecordMemo.Find("Report", record));
        AssertSame(task with { TaskId = "Report" }, other);
    }

    /// <summary>
    /// Every property of a task, each set to a value no fresh task has, reads back from its record, and the task found in
    /// the table is what the record's parse gives: a property added to <see cref="TaskInstance"/> but not to its record
    /// fails here, where the in-memory tests (which now read back the task written) would not notice it missing.
    /// </summary>
    [Fact]
    public void Every_property_of_a_task_reads_back_from_its_record()
    {
        var type = typeof(TaskInstance);
        var constructor = type.GetConstructors().Single(c => c.GetParameters().Length > 1);
        var parameters = constructor.GetParameters();
        var task = (TaskInstance)constructor.Invoke(parameters.Select(p => p.Name == nameof(TaskInstance.TaskId) ? "Load[2]" : Sample(p.ParameterType, p.Name!)).ToArray());
        foreach (var property in type.GetProperties())
            if (property.SetMethod is { IsPublic: true } set && parameters.All(p => p.Name != property.Name))
                set.Invoke(task, new[] { Sample(property.PropertyType, property.Name) });

        var parsed = PipelineStore.ParseTask(task.TaskId, new string(PipelineStore.Serialize(task)));
        var (_, found) = WrittenAndFound(task);

        foreach (var property in type.GetProperties())
        {
            var expected = property.GetValue(task);
            // The task's id is the record's field name, not in its text; a property without a setter is computed from the others.
            Assert.True(property.Name == nameof(TaskInstance.TaskId) || property.SetMethod is null
                || expected is not null && !Equals(expected, property.GetValue(TaskInstance.Fresh(task.TaskId))), $"{property.Name} is not set to a value of its own");
            foreach (var read in new[] { parsed, found })
            {
                var actual = property.GetValue(read);
                if (expected is ImmutableArray<string> ids) Assert.Equal(ids.ToArray(), ((ImmutableArray<string>)actual!).ToArray());
                else Assert.True(Equals(expected, actual), $"{property.Name}: wrote {expected}, read {actual}");
            }
        }
    }

    /// <summary>A value of <paramref name="type"/> no fresh task has, with text a record must escape.</summary>
    private static object Sample(Type type, string name)
    {
        if (type == typeof(string)) return $"{name} \"é\" | <1>\n";
        if (type == typeof(int)) return 7;
        if (type == typeof(int?)) return (int?)5;
        if (type == typeof(bool)) return true;
        if (type == typeof(Instant?)) return (Instant?)(Now + Duration.FromNanoseconds(name.Length));
        if (type == typeof(TaskState)) return TaskState.UpForRetry;
        if (type == typeof(ImmutableArray<string>)) return ImmutableArray.Create("41", "97");
        throw new Xunit.Sdk.XunitException($"TaskInstance has a property of type {type.Name} ({name}): give it a field in its record (TaskRecordText) and a sample here.");
    }

    /// <summary>A record with a surrogate in its text, or longer than the table keeps, is not kept: it is parsed when read.</summary>
    [Theory]
    [InlineData("surrogate")]
    [InlineData("long")]
    public void A_record_the_table_leaves_out_is_parsed_and_reads_whole(string kind)
    {
        var task = Task("full") with
        {
            Reason = kind == "surrogate" ? "Load 📈 failed." : "Try 2 failed: " + new string('x', TaskRecordMemo.MaxLength),
        };
        var record = PipelineStore.Serialize(task);

        var read = PipelineStore.ParseTask(task.TaskId, record);

        Assert.Null(TaskRecordMemo.Find(task.TaskId, record));
        AssertSame(task, read);
    }

    /// <summary>
    /// What the table is for: Hangfire.InMemory hands back the string it was given, so a record a step or a start wrote
    /// there is the task it was written from when the next one reads it (a storage that copies strings would only be
    /// parsed, as a database's are).
    /// </summary>
    [Fact]
    public void In_memory_a_record_read_from_the_storage_is_the_string_written_to_it()
    {
        using var storage = new global::Hangfire.InMemory.InMemoryStorage();
        var task = Task("running");
        const string key = "pipelines:run:test:memo:tasks";
        var record = PipelineStore.Serialize(task);
        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetRangeInHash(key, new[] { new KeyValuePair<string, string>(task.TaskId, record) });
            transaction.Commit();
        }

        using var reading = (JobStorageConnection)storage.GetConnection();

        Assert.Same(record, reading.GetValueFromHash(key, task.TaskId));
        Assert.Same(record, reading.GetAllEntriesFromHash(key)![task.TaskId]);
        AssertSame(task, PipelineStore.ParseTask(task.TaskId, reading.GetValueFromHash(key, task.TaskId)!));
    }
}
