namespace Pipelines.Generators.Model;

/// <summary>A pipeline's typed run parameters: the record and its members, as plain data.</summary>
/// <param name="TypeOf">The record's fully qualified name, for <c>typeof</c> and <c>new</c>.</param>
/// <param name="Members">Constructor parameters first, in order, then settable properties.</param>
internal sealed record RunParametersSpec(string TypeOf, EquatableArray<RunParameterMemberSpec> Members);

/// <summary>One member of a run parameters record.</summary>
/// <param name="Name">The member name as declared.</param>
/// <param name="Kind">A <c>Pipelines.RunParameterKind</c> member name.</param>
/// <param name="ElementTypeOf">The value's (or list element's) fully qualified type, without <c>?</c>.</param>
/// <param name="List">How a list is held, or <see cref="ListShape.None"/>.</param>
/// <param name="Nullable">Whether the member accepts null (then it needs no value).</param>
/// <param name="Binding">How the generated code sets the member.</param>
/// <param name="MustBeGiven">No default of any kind: a trigger must give it.</param>
/// <param name="RequiredAttribute">Whether it carries <c>[Required]</c> (empty text is then refused).</param>
/// <param name="DefaultText">The default in its stored form, when the generator could read it.</param>
/// <param name="DefaultEnumValue">For an enum constructor default, its numeric value, so the fallback is exact.</param>
/// <param name="Minimum">From <c>[Range]</c>, in round-trip form.</param>
/// <param name="Maximum">From <c>[Range]</c>, in round-trip form.</param>
/// <param name="Pattern">From <c>[RegularExpression]</c>.</param>
/// <param name="Description">From <c>[Description]</c> or the XML doc summary.</param>
/// <param name="TypeName">The member type for people.</param>
/// <param name="EnumValues">For an enum, its member names.</param>
internal sealed record RunParameterMemberSpec(
    string Name,
    string Kind,
    string ElementTypeOf,
    ListShape List,
    bool Nullable,
    MemberBinding Binding,
    bool MustBeGiven,
    bool RequiredAttribute,
    string? DefaultText,
    string? DefaultEnumValue,
    string? Minimum,
    string? Maximum,
    string? Pattern,
    string? Description,
    string TypeName,
    EquatableArray<string> EnumValues);

/// <summary>How a list member is held.</summary>
internal enum ListShape
{
    None,
    Array,
    List,
}

/// <summary>How the generated binding sets a member.</summary>
internal enum MemberBinding
{
    /// <summary>A constructor argument.</summary>
    Constructor,

    /// <summary>A <c>required</c> property, set in the object initializer.</summary>
    RequiredProperty,

    /// <summary>A settable property with a default, set with <c>with</c> only when a value is stored.</summary>
    Property,
}
