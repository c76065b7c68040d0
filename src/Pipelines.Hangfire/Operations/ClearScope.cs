using System;

namespace Pipelines.Hangfire;

/// <summary>Which tasks a clear resets, besides the named ones.</summary>
[Flags]
public enum ClearScope
{
    /// <summary>Only the named tasks.</summary>
    Task = 0,
    /// <summary>And everything downstream of them.</summary>
    Downstream = 1,
    /// <summary>And everything upstream of them.</summary>
    Upstream = 2,
}
