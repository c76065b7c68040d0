using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Pipelines;

/// <summary>A run could not be created because its parameters are wrong: one line per problem in <see cref="Errors"/>.</summary>
public sealed class RunParametersException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public RunParametersException(string pipelineId, IEnumerable<string> errors)
        : this(pipelineId, ImmutableArray.CreateRange(errors))
    {
    }

    private RunParametersException(string pipelineId, ImmutableArray<string> errors)
        : base($"Pipeline '{pipelineId}' cannot be triggered with these parameters: {string.Join("; ", errors)}")
    {
        PipelineId = pipelineId;
        Errors = errors;
    }

    /// <summary>The pipeline.</summary>
    public string PipelineId { get; }

    /// <summary>One sentence per bad or unknown key or missing value, such as <c>maxRows=ten: maxRows must be a whole number</c>.</summary>
    public ImmutableArray<string> Errors { get; }
}
