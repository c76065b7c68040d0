using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>The types the parser recognises, resolved once per compilation.</summary>
internal sealed class KnownSymbols
{
    /// <summary>The API's namespace in user code; the generator compiles the same types into <c>Pipelines.Generators.Api</c>.</summary>
    internal const string ApiNamespace = "Pipelines.";

    public const string PipelineAttributeName = ApiNamespace + nameof(Api.PipelineAttribute);
    public const string PipelineTaskAttributeName = ApiNamespace + nameof(Api.PipelineTaskAttribute);

    private KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        PipelineAttribute = Get(compilation, PipelineAttributeName);
        PipelineTaskAttribute = Get(compilation, PipelineTaskAttributeName);
        DependsOnAttribute = Get(compilation, ApiNamespace + nameof(Api.DependsOnAttribute));
        FromTaskAttribute = Get(compilation, ApiNamespace + nameof(Api.FromTaskAttribute));
        MapOverAttribute = Get(compilation, ApiNamespace + nameof(Api.MapOverAttribute));
        MapLabelAttribute = Get(compilation, ApiNamespace + nameof(Api.MapLabelAttribute));
        ConditionAttribute = Get(compilation, ApiNamespace + nameof(Api.ConditionAttribute));
        BranchAttribute = Get(compilation, ApiNamespace + nameof(Api.BranchAttribute));
        SensorAttribute = Get(compilation, ApiNamespace + nameof(Api.SensorAttribute));
        PipelineCalendarAttribute = Get(compilation, ApiNamespace + nameof(Api.PipelineCalendarAttribute));
        RunParametersAttribute = Get(compilation, ApiNamespace + nameof(Api.RunParametersAttribute));
        RequiredAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.RequiredAttribute");
        RangeAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.RangeAttribute");
        RegularExpressionAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.RegularExpressionAttribute");
        DescriptionAttribute = Get(compilation, "System.ComponentModel.DescriptionAttribute");
        LocalDate = Get(compilation, "NodaTime.LocalDate");
        ListOfT = Get(compilation, "System.Collections.Generic.List`1");
        RunContext = Get(compilation, "Pipelines.RunContext");
        CancellationToken = Get(compilation, "System.Threading.CancellationToken");
        Task = Get(compilation, "System.Threading.Tasks.Task");
        TaskOfT = Get(compilation, "System.Threading.Tasks.Task`1");
        ValueTask = Get(compilation, "System.Threading.Tasks.ValueTask");
        ValueTaskOfT = Get(compilation, "System.Threading.Tasks.ValueTask`1");
        IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        PipelineEvent = Get(compilation, "Pipelines.PipelineEvent");
        OnFailureAttribute = Get(compilation, ApiNamespace + nameof(Api.OnFailureAttribute));
        OnSuccessAttribute = Get(compilation, ApiNamespace + nameof(Api.OnSuccessAttribute));
        OnRetryAttribute = Get(compilation, ApiNamespace + nameof(Api.OnRetryAttribute));
        OnDeadlineMissedAttribute = Get(compilation, ApiNamespace + nameof(Api.OnDeadlineMissedAttribute));
        ProducesAttribute = Get(compilation, ApiNamespace + nameof(Api.ProducesAttribute));
        ExternalAssetAttribute = Get(compilation, ApiNamespace + nameof(Api.ExternalAssetAttribute));
        _pools = new System.Lazy<PoolDeclarations>(() => PoolParser.Read(compilation, System.Threading.CancellationToken.None), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The simple names of the types above, which a type of the user's own could take (a model built with such a type in the
    /// compilation differs): a model's <see cref="Incremental.ReachedNames"/> always include them. <see cref="Get"/> checks
    /// that every type it resolves is listed.
    /// </summary>
    public static readonly System.Collections.Immutable.ImmutableArray<string> TypeNames = System.Collections.Immutable.ImmutableArray.Create(

        nameof(Api.PipelineAttribute), nameof(Api.PipelineTaskAttribute), nameof(Api.DependsOnAttribute), nameof(Api.FromTaskAttribute),
        nameof(Api.MapOverAttribute), nameof(Api.MapLabelAttribute), nameof(Api.ConditionAttribute), nameof(Api.BranchAttribute),
        nameof(Api.SensorAttribute), nameof(Api.PipelineCalendarAttribute), nameof(Api.RunParametersAttribute), "RequiredAttribute",
        "RangeAttribute", "RegularExpressionAttribute", "DescriptionAttribute", "LocalDate", "List", "RunContext", "CancellationToken",
        "Task", "ValueTask", "IEnumerable", "PipelineEvent", nameof(Api.OnFailureAttribute), nameof(Api.OnSuccessAttribute),
        nameof(Api.OnRetryAttribute), nameof(Api.OnDeadlineMissedAttribute), nameof(Api.ProducesAttribute), nameof(Api.ExternalAssetAttribute),
        "String", "Object");

    private static INamedTypeSymbol? Get(Compilation compilation, string metadataName)
    {
        System.Diagnostics.Debug.Assert(TypeNames.Contains(SimpleName(metadataName)), metadataName + " is missing from KnownSymbols.TypeNames");
        return compilation.GetTypeByMetadataName(metadataName);
    }

    private static string SimpleName(string metadataName)
    {
        var name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
        var arity = name.IndexOf('`');
        return arity < 0 ? name : name.Substring(0, arity);
    }

    private readonly System.Lazy<PoolDeclarations> _pools;

    public Compilation Compilation { get; }
    public INamedTypeSymbol? PipelineAttribute { get; }
    public INamedTypeSymbol? PipelineTaskAttribute { get; }
    public INamedTypeSymbol? DependsOnAttribute { get; }
    public INamedTypeSymbol? FromTaskAttribute { get; }
    public INamedTypeSymbol? MapOverAttribute { get; }
    public INamedTypeSymbol? MapLabelAttribute { get; }
    public INamedTypeSymbol? ConditionAttribute { get; }
    public INamedTypeSymbol? BranchAttribute { get; }
    public INamedTypeSymbol? SensorAttribute { get; }
    public INamedTypeSymbol? PipelineCalendarAttribute { get; }
    public INamedTypeSymbol? RunParametersAttribute { get; }
    public INamedTypeSymbol? RequiredAttribute { get; }
    public INamedTypeSymbol? RangeAttribute { get; }
    public INamedTypeSymbol? RegularExpressionAttribute { get; }
    public INamedTypeSymbol? DescriptionAttribute { get; }
    public INamedTypeSymbol? LocalDate { get; }
    public INamedTypeSymbol? ListOfT { get; }
    public INamedTypeSymbol? RunContext { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol IEnumerableOfT { get; }
    public INamedTypeSymbol? PipelineEvent { get; }
    public INamedTypeSymbol? OnFailureAttribute { get; }
    public INamedTypeSymbol? OnSuccessAttribute { get; }
    public INamedTypeSymbol? OnRetryAttribute { get; }
    public INamedTypeSymbol? OnDeadlineMissedAttribute { get; }
    public INamedTypeSymbol? ProducesAttribute { get; }
    public INamedTypeSymbol? ExternalAssetAttribute { get; }

    /// <summary>The pools this compilation declares, read once.</summary>
    public PoolDeclarations Pools => _pools.Value;

    /// <summary>The callback kind an attribute class marks, or null.</summary>
    public Api.PipelineCallbackKind? CallbackKind(INamedTypeSymbol? attributeClass) =>
        Is(attributeClass, OnFailureAttribute) ? Api.PipelineCallbackKind.Failure
        : Is(attributeClass, OnSuccessAttribute) ? Api.PipelineCallbackKind.Success
        : Is(attributeClass, OnRetryAttribute) ? Api.PipelineCallbackKind.Retry
        : Is(attributeClass, OnDeadlineMissedAttribute) ? Api.PipelineCallbackKind.DeadlineMissed
        : null;

    public static KnownSymbols Create(Compilation compilation) => new(compilation);

    /// <summary>
    /// <paramref name="type"/> as generated code spells it (<see cref="PipelineParser.SourceName"/>), kept per type: a
    /// pipeline's tasks share a few types (the run context, the token, <c>int</c>), and each spelling costs a walk over its
    /// display parts, two per parameter and per output, which at 2,000 tasks took a good part of the model's time.
    /// </summary>
    public string SourceName(ITypeSymbol type) => _sourceNames.GetOrAdd(type, static t => PipelineParser.SourceName(t, PipelineParser.s_typeFormat));

    /// <summary><paramref name="type"/> as <c>typeof</c> spells it (<see cref="PipelineParser.TypeOfName"/>), kept per type.</summary>
    public string TypeOfName(ITypeSymbol type) => _typeOfNames.GetOrAdd(type, static t => PipelineParser.TypeOfName(t));

    // Keyed with nullability (string? and string are spelt apart); the analyzer's symbol actions share one instance, in parallel.
    private readonly ConcurrentDictionary<ITypeSymbol, string> _sourceNames = new(SymbolEqualityComparer.IncludeNullability);
    private readonly ConcurrentDictionary<ITypeSymbol, string> _typeOfNames = new(SymbolEqualityComparer.IncludeNullability);

    public static bool Is(ISymbol? symbol, INamedTypeSymbol? type) =>
        symbol is not null && type is not null && SymbolEqualityComparer.Default.Equals(symbol, type);

    public AttributeData? Find(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null) return null;
        foreach (var attribute in symbol.GetAttributes())
        {
            if (Is(attribute.AttributeClass, attributeType)) return attribute;
        }
        return null;
    }
}
