using System.Collections;
using System.Collections.Immutable;

namespace Pipelines;

/// <summary>
/// Effective priority weights (<see cref="PriorityWeightRule"/>). A task's downstream (or upstream) closure is a bit set
/// built from its neighbours' in reverse (or forward) topological order, so a task reached by two paths counts once, as
/// in Airflow; the cost is tasks × edges / 64 words, small even at 10,000 tasks.
/// </summary>
internal static class PriorityWeights
{
    public static long[] Of(ImmutableArray<TaskDefinition> tasks)
    {
        var n = tasks.Length;
        var result = new long[n];
        var needsDown = false;
        var needsUp = false;
        for (var i = 0; i < n; i++)
        {
            result[i] = tasks[i].PriorityWeight;
            needsDown |= tasks[i].WeightRule == PriorityWeightRule.Downstream;
            needsUp |= tasks[i].WeightRule == PriorityWeightRule.Upstream;
        }
        if (needsDown) Apply(tasks, result, PriorityWeightRule.Downstream);
        if (needsUp) Apply(tasks, result, PriorityWeightRule.Upstream);
        return result;
    }

    private static void Apply(ImmutableArray<TaskDefinition> tasks, long[] result, PriorityWeightRule rule)
    {
        var n = tasks.Length;
        var closure = new BitArray[n];
        var downstream = rule == PriorityWeightRule.Downstream;
        for (var k = 0; k < n; k++)
        {
            // Downstream closures need every successor's closure first: walk the topological order backwards.
            var i = downstream ? n - 1 - k : k;
            var set = new BitArray(n);
            foreach (var next in downstream ? tasks[i].Downstream : tasks[i].Upstream)
            {
                set.Set(next, true);
                set.Or(closure[next]);
            }
            closure[i] = set;
            if (tasks[i].WeightRule != rule) continue;
            long sum = 0;
            for (var j = 0; j < n; j++)
                if (set[j]) sum += tasks[j].PriorityWeight;
            result[i] = tasks[i].PriorityWeight + sum;
        }
    }
}
