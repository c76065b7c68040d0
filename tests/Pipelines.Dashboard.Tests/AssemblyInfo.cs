// Hangfire's configuration is process-wide (JobStorage.Current): one live host at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
