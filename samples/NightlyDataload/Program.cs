using Pipelines;

// Until the Hangfire runtime lands, the sample shows what the compiler built: the validated, static pipeline.
foreach (var pipeline in PipelineCatalog.All)
{
    Console.WriteLine($"{pipeline.Id}: {pipeline.Description}");
    Console.WriteLine($"  schedule {pipeline.Schedule} in {pipeline.TimeZone}, calendar {pipeline.Calendar ?? "none"}, max {pipeline.MaxActiveRuns} active run(s)");
    foreach (var task in pipeline.Tasks)
    {
        var upstream = task.Upstream.IsEmpty ? "" : " after " + string.Join(", ", task.Upstream.Select(i => pipeline.Tasks[i].Id));
        Console.WriteLine($"  {task.Index}. {task.Id} [{task.Kind}, queue {task.Queue}, {task.Retries} retries]{upstream}");
    }
    Console.WriteLine();
    Console.WriteLine(pipeline.Mermaid);
}
