using System.Collections.Generic;
using System.Linq;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Emission;

/// <summary>
/// Writes a pipeline's run parameters: the <c>RunParameterSet</c> description the runtime validates against, and
/// <c>BindParameters</c>, which turns a run's stored (already validated, canonical) strings into the record with no
/// reflection: one reader call per member, enums through a generated name switch.
/// </summary>
internal static class RunParametersEmitter
{
    private const string Values = "global::Pipelines.RunParameterValues";

    /// <summary>The <c>Parameters = ...</c> line of the definition's initializer.</summary>
    public static void EmitDescription(SourceWriter w, RunParametersSpec? spec)
    {
        // A pipeline without typed parameters keeps the initializer it had, so its generated source does not change.
        if (spec is null) return;
        w.Line($"    Parameters = new global::Pipelines.RunParameterSet(typeof({spec.TypeOf}), global::System.Collections.Immutable.ImmutableArray.Create<global::Pipelines.RunParameter>(");
        for (var i = 0; i < spec.Members.Count; i++)
        {
            var m = spec.Members[i];
            var settings = new List<string>
            {
                $"TypeName = {CSharpLiteral.String(m.TypeName)}",
            };
            if (m.List != ListShape.None) settings.Add("IsList = true");
            if (m.MustBeGiven || m.RequiredAttribute) settings.Add("Required = true");
            if (m.DefaultText is not null) settings.Add($"Default = {CSharpLiteral.String(m.DefaultText)}");
            if (m.Minimum is not null) settings.Add($"Minimum = {m.Minimum}d");
            if (m.Maximum is not null) settings.Add($"Maximum = {m.Maximum}d");
            if (m.Pattern is not null) settings.Add($"Pattern = {CSharpLiteral.String(m.Pattern)}");
            if (m.Description is not null) settings.Add($"Description = {CSharpLiteral.String(m.Description)}");
            if (m.EnumValues.Count > 0) settings.Add($"EnumValues = global::System.Collections.Immutable.ImmutableArray.Create({string.Join(", ", m.EnumValues.Select(v => CSharpLiteral.String(v)))})");
            w.Line($"        new global::Pipelines.RunParameter({CSharpLiteral.String(m.Name)}, global::Pipelines.RunParameterKind.{m.Kind}) {{ {string.Join(", ", settings)} }}{(i == spec.Members.Count - 1 ? "" : ",")}");
        }
        w.Line("    )),");
    }

    /// <summary><c>BindParameters(RunContext)</c> and one enum reader per enum type.</summary>
    public static void EmitBinding(SourceWriter w, RunParametersSpec spec)
    {
        var enums = spec.Members.Where(m => m.Kind == "Enum").Select(m => m.ElementTypeOf).Distinct().ToList();

        w.Line($"/// <summary>The run's parameters as <see cref=\"{spec.TypeOf.Replace("global::", "")}\"/>, from the values stored when it was triggered.</summary>");
        w.Open($"private static {spec.TypeOf} BindParameters(global::Pipelines.RunContext run)");
        w.Line("global::System.Collections.Generic.IReadOnlyDictionary<string, string> values = run.Parameters;");
        var constructorArguments = new List<string>();
        var initializers = new List<string>();
        var index = 0;
        foreach (var m in spec.Members)
        {
            var text = $"t{index++}";
            var found = $"{Values}.TryGet(values, {CSharpLiteral.String(m.Name)}, out string {text})";
            var read = Read(m, text, enums);
            switch (m.Binding)
            {
                case MemberBinding.Constructor:
                    constructorArguments.Add($"{found} ? {read} : {Fallback(m, enums)}");
                    break;
                case MemberBinding.RequiredProperty:
                    initializers.Add($"{m.Name} = {found} ? {read} : {Fallback(m, enums)}");
                    break;
            }
        }
        w.Line($"{spec.TypeOf} result = new {spec.TypeOf}(");
        for (var i = 0; i < constructorArguments.Count; i++)
            w.Line($"    {constructorArguments[i]}{(i == constructorArguments.Count - 1 ? "" : ",")}");
        if (initializers.Count == 0)
        {
            w.Line(");");
        }
        else
        {
            w.Line(")");
            w.Line("{");
            foreach (var initializer in initializers) w.Line($"    {initializer},");
            w.Line("};");
        }
        index = 0;
        foreach (var m in spec.Members)
        {
            var text = $"t{index++}";
            if (m.Binding != MemberBinding.Property) continue;
            // Set only when stored: a property's initializer is the record's own default.
            w.Line($"if ({Values}.TryGet(values, {CSharpLiteral.String(m.Name)}, out string {text})) result = result with {{ {m.Name} = {Read(m, text, enums)} }};");
        }
        w.Line("return result;");
        w.Close();

        for (var e = 0; e < enums.Count; e++)
        {
            var type = enums[e];
            var members = spec.Members.First(m => m.ElementTypeOf == type).EnumValues;
            w.Line();
            w.Open($"private static {type} ReadEnum{e}(string text)");
            foreach (var name in members)
                w.Line($"if (string.Equals(text, {CSharpLiteral.String(name)}, global::System.StringComparison.OrdinalIgnoreCase)) return {type}.{name};");
            w.Line($"throw {Values}.NotAMember(text, {CSharpLiteral.String(type.Replace("global::", ""))});");
            w.Close();
        }
    }

    /// <summary>The expression reading stored text <paramref name="text"/> as the member's type.</summary>
    private static string Read(RunParameterMemberSpec m, string text, List<string> enums)
    {
        var reader = Reader(m, enums);
        return m.List switch
        {
            ListShape.Array => $"global::System.Linq.Enumerable.ToArray({Values}.List<{m.ElementTypeOf}>({text}, {reader}))",
            ListShape.List => $"{Values}.List<{m.ElementTypeOf}>({text}, {reader})",
            _ => m.Nullable && m.Kind != "String" ? $"({m.ElementTypeOf}?){reader}({text})" : $"{reader}({text})",
        };
    }

    private static string Reader(RunParameterMemberSpec m, List<string> enums) =>
        m.Kind == "Enum" ? $"ReadEnum{enums.IndexOf(m.ElementTypeOf)}" : $"{Values}.{m.Kind}";

    /// <summary>What a constructor argument or required property gets when no value was stored (a run created by hand or before the parameter existed).</summary>
    private static string Fallback(RunParameterMemberSpec m, List<string> enums)
    {
        if (m.DefaultEnumValue is not null) return $"({m.ElementTypeOf})({m.DefaultEnumValue})";
        if (m.DefaultText is not null) return $"{Reader(m, enums)}({CSharpLiteral.String(m.DefaultText)})";
        if (m.Nullable || !m.MustBeGiven) return "default!";
        return $"throw {Values}.Missing(run.PipelineId, {CSharpLiteral.String(m.Name)})";
    }
}
