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
        PipelineAttribute = compilation.GetTypeByMetadataName(PipelineAttributeName);
        PipelineTaskAttribute = compilation.GetTypeByMetadataName(PipelineTaskAttributeName);
        DependsOnAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.DependsOnAttribute));
        FromTaskAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.FromTaskAttribute));
        MapOverAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.MapOverAttribute));
        MapLabelAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.MapLabelAttribute));
        ConditionAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.ConditionAttribute));
        BranchAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.BranchAttribute));
        SensorAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.SensorAttribute));
        PipelineCalendarAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.PipelineCalendarAttribute));
        RunParametersAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.RunParametersAttribute));
        RequiredAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DataAnnotations.RequiredAttribute");
        RangeAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DataAnnotations.RangeAttribute");
        RegularExpressionAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DataAnnotations.RegularExpressionAttribute");
        DescriptionAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DescriptionAttribute");
        LocalDate = compilation.GetTypeByMetadataName("NodaTime.LocalDate");
        ListOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        RunContext = compilation.GetTypeByMetadataName("Pipelines.RunContext");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        PipelineEvent = compilation.GetTypeByMetadataName("Pipelines.PipelineEvent");
        OnFailureAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.OnFailureAttribute));
        OnSuccessAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.OnSuccessAttribute));
        OnRetryAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.OnRetryAttribute));
        OnDeadlineMissedAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.OnDeadlineMissedAttribute));
        ProducesAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.ProducesAttribute));
        ExternalAssetAttribute = compilation.GetTypeByMetadataName(ApiNamespace + nameof(Api.ExternalAssetAttribute));
        _pools = new System.Lazy<PoolDeclarations>(() => PoolParser.Read(compilation, System.Threading.CancellationToken.None), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
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
