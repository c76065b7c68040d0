using global::Hangfire;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>The runtime specification on a real Redis server, under a key prefix of this class's own.</summary>
public sealed class RedisRuntimeTests : RuntimeTests
{
    private static readonly string s_prefix = RedisServer.NewPrefix("runtime");

    protected override JobStorage CreateStorage() => PipelineHost.RedisStorage(s_prefix);
}
