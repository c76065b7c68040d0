using System;

namespace Pipelines.Benchmarks;

/// <summary>
/// Uncounted warm-up rounds until the JIT has gone quiet where it matters: <see cref="QuietRounds"/> rounds in a row in
/// which no measurement (raw or pipeline: its set-up, run and read-back; a host's start and stop excluded) saw more
/// than <see cref="QuietMethods"/> methods compiled, or <see cref="MaxRounds"/> rounds. The rounds measured then compare
/// both sides' optimised code, as a server that has run for a while runs it, not how soon each side's code gets optimised
/// after a start.
/// </summary>
/// <remarks>
/// Counting every method compiled in a round never went quiet: each round starts and stops two hosts, whose set-up code
/// (run once a round) reaches its optimised tier only after about 30 rounds, and whose dependency injection compiles new
/// methods every time. Those compilations told nothing about the code measured, and a round that happened to compile
/// few of them ended the warm-up while the measurements still ran beside the tiered JIT's background compilations:
/// in one run the pipeline's hop fell from 0.32 to 0.17 ms over the eleven rounds measured after such an end.
/// </remarks>
internal sealed class JitWarmUp
{
    public const int MaxRounds = 60;
    public const int QuietRounds = 3;
    public const long QuietMethods = 5;

    private long _mostThisRound;
    private int _quietInARow;

    /// <summary>Warm-up rounds run so far.</summary>
    public int Rounds { get; private set; }

    /// <summary>Whether the rounds measured may start.</summary>
    public bool Done { get; private set; }

    /// <summary>One measurement of the round saw <paramref name="compiled"/> methods compiled while it ran.</summary>
    public void Measured(long compiled) => _mostThisRound = Math.Max(_mostThisRound, compiled);

    /// <summary>After a warm-up round: decides whether another is needed.</summary>
    public void RoundEnded(string storage)
    {
        Rounds++;
        var most = _mostThisRound;
        _mostThisRound = 0;
        _quietInARow = most <= QuietMethods ? _quietInARow + 1 : 0;
        var quiet = _quietInARow >= QuietRounds;
        Done = quiet || Rounds >= MaxRounds;
        var then = quiet ? $"; {QuietRounds} quiet rounds in a row, measuring" : Done ? $"; still compiling after {MaxRounds} rounds, measuring anyway" : "";
        Console.WriteLine($"[{storage}] warm-up round {Rounds}: at most {most:N0} methods compiled during a measurement{then}");
    }
}
