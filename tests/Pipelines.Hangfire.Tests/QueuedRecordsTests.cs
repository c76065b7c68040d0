namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The records a process's steps queued, which its tries' starts expect (<see cref="QueuedRecords"/>): each task's record
/// is taken once, by that task only, the latest kept wins, and a many-runs load of queued tasks finds nearly all of them.
/// </summary>
public sealed class QueuedRecordsTests
{
    [Fact]
    public void A_kept_record_is_taken_once_and_only_by_its_own_pipeline_run_and_task()
    {
        var records = new QueuedRecords(enabled: true);
        records.Keep("nightly", "run-1", "Extract", "queued|{\"a\":1}");

        Assert.Null(records.Take("nightly", "run-1", "Load"));
        Assert.Null(records.Take("nightly", "run-2", "Extract"));
        Assert.Null(records.Take("weekly", "run-1", "Extract"));
        Assert.Equal("queued|{\"a\":1}", records.Take("nightly", "run-1", "Extract"));
        Assert.Null(records.Take("nightly", "run-1", "Extract"));
    }

    [Fact]
    public void The_latest_record_kept_for_a_task_replaces_the_earlier_one_and_a_forgotten_or_overlong_one_is_not_taken()
    {
        var records = new QueuedRecords(enabled: true);
        records.Keep("nightly", "run-1", "Extract", "queued|try 1");
        records.Keep("nightly", "run-1", "Extract", "queued|try 2");
        Assert.Equal("queued|try 2", records.Take("nightly", "run-1", "Extract"));
        // Kept once: no earlier record is left behind in the task's other slot.
        Assert.Null(records.Take("nightly", "run-1", "Extract"));

        records.Keep("nightly", "run-1", "Load", "queued|load");
        records.Forget("nightly", "run-1", "Load");
        Assert.Null(records.Take("nightly", "run-1", "Load"));

        // A record too long to keep forgets the one kept before: the start then reads the stored one.
        records.Keep("nightly", "run-1", "Report", "queued|short");
        records.Keep("nightly", "run-1", "Report", "queued|" + new string('x', QueuedRecords.MaxLength));
        Assert.Null(records.Take("nightly", "run-1", "Report"));
    }

    [Fact]
    public void A_task_whose_first_slot_is_taken_is_kept_in_its_second_where_a_later_record_and_a_forget_find_it()
    {
        // Another task of the run whose first slot is the same as Extract's (found by trying names).
        var (first, _) = QueuedRecords.SlotsOf("run-1", "Extract");
        var rival = Enumerable.Range(0, 1_000_000).Select(i => $"Task{i}").First(task => task != "Extract" && QueuedRecords.SlotsOf("run-1", task).First == first);
        var records = new QueuedRecords(enabled: true);

        // The rival holds the first slot, so Extract goes to its second; once the rival's record is taken, the first is
        // free, yet Extract's next record replaces the one in its second slot rather than leaving it behind.
        records.Keep("nightly", "run-1", rival, "queued|rival");
        records.Keep("nightly", "run-1", "Extract", "queued|try 1");
        Assert.Equal("queued|rival", records.Take("nightly", "run-1", rival));
        records.Keep("nightly", "run-1", "Extract", "queued|try 2");
        Assert.Equal("queued|try 2", records.Take("nightly", "run-1", "Extract"));
        Assert.Null(records.Take("nightly", "run-1", "Extract"));

        // A record in the second slot is forgotten too.
        records.Keep("nightly", "run-1", rival, "queued|rival");
        records.Keep("nightly", "run-1", "Extract", "queued|try 3");
        records.Forget("nightly", "run-1", "Extract");
        Assert.Null(records.Take("nightly", "run-1", "Extract"));
        Assert.Equal("queued|rival", records.Take("nightly", "run-1", rival));
    }

    [Fact]
    public void A_table_that_is_not_enabled_keeps_nothing()
    {
        var records = new QueuedRecords(enabled: false);
        records.Keep("nightly", "run-1", "Extract", "queued|x");
        Assert.False(records.Enabled);
        Assert.Null(records.Take("nightly", "run-1", "Extract"));
    }

    [Fact]
    public void Nearly_all_of_a_hundred_runs_queued_tasks_kept_at_once_are_found_and_each_found_is_its_own()
    {
        // The many-runs benchmark's load on one server: 100 runs that each queued 18 tasks at once. With one slot a task in
        // 4,096 slots about a fifth were written over (1,461 of 1,800 found); two slots a task in 8,192 lose one or two in
        // a hundred (1,773 and 1,778 in two runs; string hashes are seeded per process, so the figure varies a little from
        // run to run, and 95% leaves a wide margin).
        var records = new QueuedRecords(enabled: true);
        var runs = Enumerable.Range(0, 100).Select(i => $"scheduled__2026-12-05T{i:D4}").ToArray();
        var tasks = Enumerable.Range(0, 18).Select(i => $"Fan{i:D2}").ToArray();
        foreach (var run in runs)
            foreach (var task in tasks)
                records.Keep("bench_many", run, task, $"queued|{run}/{task}");

        var found = 0;
        foreach (var run in runs)
            foreach (var task in tasks)
                if (records.Take("bench_many", run, task) is { } record)
                {
                    Assert.Equal($"queued|{run}/{task}", record);
                    found++;
                }
        Assert.True(found >= 0.95 * runs.Length * tasks.Length, $"found {found} of {runs.Length * tasks.Length}");
    }
}
