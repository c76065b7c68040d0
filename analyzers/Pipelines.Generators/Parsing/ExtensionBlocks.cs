using Microsoft.CodeAnalysis;

namespace Pipelines.Generators;

/// <summary>
/// C# 14 extension blocks (<c>extension(string s) { ... }</c> in a static class). The generator builds against Roslyn
/// 4.8, which has no name for them, but runs in whatever compiler the build or the IDE has: there an extension block is
/// a type of its own kind, nested in its class.
/// </summary>
internal static class ExtensionBlocks
{
    /// <summary><c>TypeKind.Extension</c> from Roslyn 5.</summary>
    private const int ExtensionTypeKind = 14;

    /// <summary>Whether <paramref name="type"/> is an extension block.</summary>
    public static bool IsExtensionBlock(INamedTypeSymbol? type) => type is not null && (int)type.TypeKind == ExtensionTypeKind;
}
