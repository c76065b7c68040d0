using System;

namespace Pipelines.Cli;

/// <summary>A bad command line or an unusable environment: printed as one line, with a non-zero exit code.</summary>
public sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    /// <summary>2 for bad input, 3 for an unreachable database or a port in use.</summary>
    public int ExitCode { get; } = exitCode;
}
