using System;

namespace Pipelines;

/// <summary>A task parameter bound to an upstream task's output with <see cref="FromTaskAttribute"/>.</summary>
/// <param name="ParameterName">The parameter's name.</param>
/// <param name="FromTask">The index of the upstream task.</param>
/// <param name="Type">The parameter's type.</param>
public sealed record TaskInput(string ParameterName, int FromTask, Type Type);
