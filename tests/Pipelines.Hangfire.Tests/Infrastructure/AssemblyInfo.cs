// Hangfire's configuration is process-wide (JobStorage.Current): run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
