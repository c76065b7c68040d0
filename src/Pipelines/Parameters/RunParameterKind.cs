namespace Pipelines;

/// <summary>What a run parameter holds (one value, or each element of a list).</summary>
/// <remarks>The generator writes these member names into each definition (<c>RunParametersSpec.Kind</c>); a rename here is a compile error in generated code.</remarks>
public enum RunParameterKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A whole number that fits an <c>int</c>.</summary>
    Int32,

    /// <summary>A whole number that fits a <c>long</c>.</summary>
    Int64,

    /// <summary>A <c>decimal</c> number.</summary>
    Decimal,

    /// <summary>A <c>double</c> number.</summary>
    Double,

    /// <summary><c>true</c> or <c>false</c> (also <c>yes</c>/<c>no</c>, <c>1</c>/<c>0</c>).</summary>
    Boolean,

    /// <summary>A <c>LocalDate</c> written <c>yyyy-MM-dd</c>.</summary>
    Date,

    /// <summary>One of an enum's member names, matched case-insensitively.</summary>
    Enum,
}
