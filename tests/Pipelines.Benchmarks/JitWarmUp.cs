using System;

namespace Pipelines.Benchmarks;

/// <summary>
/// Uncounted warm-up rounds until the JIT has gone quiet: a round that compiled (or recompiled at a higher tier) fewer
/// than <see cref="QuietMethods"/> methods, after at least <see cref="MinRounds"/> rounds and at most
/// <see cref="MaxRounds"/>. The rounds measured then compare both sides' optimised code, as a server that has run for a
/// while runs it, not how soon each side's code gets optimised after a start.
/// </summary>
internal sealed class JitWarmUp
{
    public const int MinRounds = 3;
    public const int MaxRounds = 25;
    public const long QuietMethods = 20;

    private long _compiled = System.Runtime.JitInfo.GetCompiledMethodCount();

    /// <summary>Warm-up rounds run so far.</summary>
    public int Rounds { get; private set; }

    /// <summary>Whether the rounds measured may start.</summary>
    public bool Done { get; private set; }

    /// <summary>After a warm-up round: counts the methods it compiled and decides whether another is needed.</summary>
    public void RoundEnded(string storage)
    {
        Rounds++;
        var now = System.Runtime.JitInfo.GetCompiledMethodCount();
        var during = now - _compiled;
        _compiled = now;
        var quiet = Rounds >= MinRounds && during < QuietMethods;
        Done = quiet || Rounds >= MaxRounds;
        var then = quiet ? "; the JIT is quiet, measuring" : Done ? $"; still compiling after {MaxRounds} rounds, measuring anyway" : "";
        Console.WriteLine($"[{storage}] warm-up round {Rounds}: {during:N0} methods compiled during it{then}");
    }
}
