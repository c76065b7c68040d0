// Each test starts its own PostgreSQL server and two app servers on a machine with few cores: one at a time keeps the
// timings (and the kills' effects) readable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
