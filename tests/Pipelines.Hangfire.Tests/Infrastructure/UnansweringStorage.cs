using global::Hangfire;
using global::Hangfire.Common;
using global::Hangfire.Server;
using global::Hangfire.States;
using global::Hangfire.Storage;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// A storage that stops answering on cue: every call goes to <paramref name="inner"/>, except a hash read whose key
/// <paramref name="fails"/> picks, which throws the <see cref="IOException"/> a lost database connection gives. The
/// runtime sees a storage it knows nothing about, so it takes the path that works on every storage (Hangfire's lock,
/// reads and transaction).
/// </summary>
internal sealed class UnansweringStorage(JobStorage inner, Func<JobStorageConnection, string, bool> fails) : JobStorage
{
    public override IMonitoringApi GetMonitoringApi() => inner.GetMonitoringApi();

    public override IStorageConnection GetConnection() => new Connection(this, (JobStorageConnection)inner.GetConnection());

    public override IEnumerable<IBackgroundProcess> GetServerRequiredProcesses() => inner.GetServerRequiredProcesses();

    public override IEnumerable<IBackgroundProcess> GetStorageWideProcesses() => inner.GetStorageWideProcesses();

    public override IEnumerable<IStateHandler> GetStateHandlers() => inner.GetStateHandlers();

    public override bool HasFeature(string featureId) => inner.HasFeature(featureId);

    public override bool LinearizableReads => inner.LinearizableReads;

    private void Check(JobStorageConnection connection, string key)
    {
        if (!fails(connection, key)) return;
        throw new IOException($"Reading '{key}' failed: the storage did not answer (injected by the test).");
    }

    private sealed class Connection(UnansweringStorage owner, JobStorageConnection inner) : JobStorageConnection
    {
        public override void Dispose()
        {
            inner.Dispose();
            base.Dispose();
        }

        public override Dictionary<string, string>? GetAllEntriesFromHash(string key)
        {
            owner.Check(inner, key);
            return inner.GetAllEntriesFromHash(key);
        }

        public override string? GetValueFromHash(string key, string name)
        {
            owner.Check(inner, key);
            return inner.GetValueFromHash(key, name);
        }

        public override IWriteOnlyTransaction CreateWriteTransaction() => inner.CreateWriteTransaction();
        public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout) => inner.AcquireDistributedLock(resource, timeout);
        public override string CreateExpiredJob(Job job, IDictionary<string, string> parameters, DateTime createdAt, TimeSpan expireIn) => inner.CreateExpiredJob(job, parameters, createdAt, expireIn);
        public override IFetchedJob FetchNextJob(string[] queues, CancellationToken cancellationToken) => inner.FetchNextJob(queues, cancellationToken);
        public override void SetJobParameter(string id, string name, string value) => inner.SetJobParameter(id, name, value);
        public override string? GetJobParameter(string id, string name) => inner.GetJobParameter(id, name);
        public override JobData? GetJobData(string jobId) => inner.GetJobData(jobId);
        public override StateData? GetStateData(string jobId) => inner.GetStateData(jobId);
        public override void AnnounceServer(string serverId, ServerContext context) => inner.AnnounceServer(serverId, context);
        public override void RemoveServer(string serverId) => inner.RemoveServer(serverId);
        public override void Heartbeat(string serverId) => inner.Heartbeat(serverId);
        public override int RemoveTimedOutServers(TimeSpan timeOut) => inner.RemoveTimedOutServers(timeOut);
        public override HashSet<string> GetAllItemsFromSet(string key) => inner.GetAllItemsFromSet(key);
        public override string? GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore) => inner.GetFirstByLowestScoreFromSet(key, fromScore, toScore);
        public override List<string> GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore, int count) => inner.GetFirstByLowestScoreFromSet(key, fromScore, toScore, count);
        public override long GetSetCount(string key) => inner.GetSetCount(key);
        public override long GetSetCount(IEnumerable<string> keys, int limit) => inner.GetSetCount(keys, limit);
        public override bool GetSetContains(string key, string value) => inner.GetSetContains(key, value);
        public override List<string> GetRangeFromSet(string key, int startingFrom, int endingAt) => inner.GetRangeFromSet(key, startingFrom, endingAt);
        public override TimeSpan GetSetTtl(string key) => inner.GetSetTtl(key);
        public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs) => inner.SetRangeInHash(key, keyValuePairs);
        public override long GetHashCount(string key) => inner.GetHashCount(key);
        public override TimeSpan GetHashTtl(string key) => inner.GetHashTtl(key);
        public override long GetListCount(string key) => inner.GetListCount(key);
        public override List<string> GetAllItemsFromList(string key) => inner.GetAllItemsFromList(key);
        public override List<string> GetRangeFromList(string key, int startingFrom, int endingAt) => inner.GetRangeFromList(key, startingFrom, endingAt);
        public override TimeSpan GetListTtl(string key) => inner.GetListTtl(key);
        public override long GetCounter(string key) => inner.GetCounter(key);
        public override DateTime GetUtcDateTime() => inner.GetUtcDateTime();
    }
}
