using System.Collections.Generic;

namespace Pipelines.Generators.Validation;

/// <summary>
/// Hashes an edge key, <c>(long)from &lt;&lt; 32 | (uint)to</c>, so a set of edges spreads over its buckets. The default
/// <c>long</c> hash folds the halves together with XOR, and <c>from ^ to</c> of tasks declared near each other takes few
/// values (a 10,000-task chain's edges share about 14 hashes), so every lookup walked a long chain.
/// </summary>
internal sealed class EdgeKeyComparer : IEqualityComparer<long>
{
    public static readonly EdgeKeyComparer Instance = new();

    public bool Equals(long x, long y) => x == y;

    // An odd multiplier is a bijection on the low half; the high half is added after it, so nearby pairs land apart.
    public int GetHashCode(long key) => unchecked((int)key * -1640531535 + (int)(key >> 32));
}
