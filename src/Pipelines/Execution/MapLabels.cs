using System;
using System.ComponentModel;

namespace Pipelines;

/// <summary>The labels of mapped instances, as generated code computes them (<see cref="TaskDefinition.MapLabel"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MapLabels
{
    /// <summary>The element's <c>ToString()</c>, or null for a null element.</summary>
    public static string? Of<T>(T element) => element?.ToString();

    /// <summary>The label property's value as text (<see cref="MapLabelAttribute"/>), or null for a null element or value.</summary>
    public static string? Of<T, TLabel>(T element, Func<T, TLabel> label)
    {
        if (label is null) throw new ArgumentNullException(nameof(label));
        return element is null ? null : label(element)?.ToString();
    }
}
