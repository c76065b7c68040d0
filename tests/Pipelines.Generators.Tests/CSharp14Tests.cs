using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Pipelines written in C# 14, built by the SDK's own compiler: the generator is built against Roslyn 4.8, which cannot
/// parse C# 14, but runs in the compiler of the user's build and IDE. There the compiler makes a static method in the
/// class for each member of an extension block, carrying that member's attributes; before PIPE056 such a method was
/// read as a task (PIPE020 on its receiver, or a task the user never wrote), and the member itself drew PIPE021 naming
/// a class ''.
/// </summary>
public sealed class CSharp14Tests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-csharp14-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// A project built by the SDK's compiler in C# 14, referencing the libraries and the generator this test run was
    /// built with as files: no restore of our projects, which other tests pack and build at the same time.
    /// </summary>
    private async Task WriteProjectAsync()
    {
        Directory.CreateDirectory(_root);
        var bin = AppContext.BaseDirectory;
        await File.WriteAllTextAsync(Path.Combine(_root, "Probe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <LangVersion>14</LangVersion>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <UseSharedCompilation>false</UseSharedCompilation>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Path.Combine(bin, "Pipelines.dll")}" />
                <Reference Include="{Path.Combine(bin, "NodaTime.dll")}" />
                <Reference Include="{Path.Combine(bin, "Microsoft.Extensions.DependencyInjection.Abstractions.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "Pipelines.Generators.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "NodaTime.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "Cronos.dll")}" />
              </ItemGroup>
            </Project>
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_task_attribute_inside_an_extension_block_is_PIPE056_alone_and_an_extension_block_without_one_changes_nothing()
    {
        await WriteProjectAsync();
        var source = Path.Combine(_root, "Probe.cs");
        await File.WriteAllTextAsync(source, """
            using Pipelines;

            [Pipeline("probe")]
            public static partial class Probe
            {
                [PipelineTask]
                public static void Extract() { }

                extension(string vendor)
                {
                    [PipelineTask, DependsOn(nameof(Extract))]
                    public void Load() { }

                    [PipelineTask]
                    public static void Transform() { }
                }
            }
            """);

        var (exit, output) = await DotNetCli.RunAsync(_root, Timeout, "build", "-nodeReuse:false", "-clp:NoSummary");
        Assert.NotEqual(0, exit);
        var diagnostics = output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal) || l.Contains(": warning ", StringComparison.Ordinal))
            .Select(l => l.Trim()).Select(l => l.IndexOf(" (https://", StringComparison.Ordinal) is var link and >= 0 ? l[..link] : l).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            $"{source}(11,10): error PIPE056: Method 'Load' has [PipelineTask], but it is declared in an extension block of class 'Probe', and a pipeline's tasks and callbacks are the methods of the pipeline class itself. Move 'Load' out of the extension(...) block.",
            $"{source}(14,10): error PIPE056: Method 'Transform' has [PipelineTask], but it is declared in an extension block of class 'Probe', and a pipeline's tasks and callbacks are the methods of the pipeline class itself. Move 'Transform' out of the extension(...) block.",
        }, diagnostics);

        // Without task attributes in it, an extension block is none of the pipeline's business: it builds, with the
        // class's own tasks only.
        await File.WriteAllTextAsync(source, """
            using Pipelines;

            [Pipeline("probe")]
            public static partial class Probe
            {
                [PipelineTask]
                public static void Extract() { }

                [PipelineTask, DependsOn(nameof(Extract))]
                public static int Transform() => 1;

                extension(string vendor)
                {
                    public int Twice() => vendor.Length * 2;
                    public static void Helper() { }
                }
            }
            """);
        (exit, output) = await DotNetCli.RunAsync(_root, Timeout, "build", "-nodeReuse:false", "-clp:NoSummary", "-p:EmitCompilerGeneratedFiles=true");
        Assert.True(exit == 0, output);
        var generated = Directory.GetFiles(Path.Combine(_root, "obj"), "Probe.Pipeline.g.cs", SearchOption.AllDirectories);
        var code = await File.ReadAllTextAsync(Assert.Single(generated));
        Assert.Contains("global::Probe.Extract()", code, StringComparison.Ordinal);
        Assert.Contains("global::Probe.Transform()", code, StringComparison.Ordinal);
        Assert.DoesNotContain("Helper", code, StringComparison.Ordinal);
        Assert.DoesNotContain("Twice", code, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pipeline_class_using_the_other_CSharp_14_features_generates_code_that_builds()
    {
        await WriteProjectAsync();
        // A partial constructor (the generated CreateInstance calls it), partial events, a field-backed property, a
        // null-conditional assignment and nameof of an unbound generic type in a task.
        await File.WriteAllTextAsync(Path.Combine(_root, "Probe.cs"), """
            using System.Collections.Generic;
            using Pipelines;

            public sealed class Store { public int Count { get; set; } }

            [Pipeline("probe")]
            public sealed partial class Probe
            {
                private readonly Store _store;
                public partial Probe(Store store);
                public partial Probe(Store store) { _store = store; }

                public int Limit { get => field; set => field = value < 0 ? 0 : value; }

                public partial event System.Action? Changed;
                public partial event System.Action? Changed { add { } remove { } }

                [PipelineTask]
                public int Extract() { Store? store = _store; store?.Count = 3; return nameof(List<>).Length; }

                [PipelineTask, DependsOn(nameof(Extract))]
                public int Load([FromTask(nameof(Extract))] int count) => count + Limit;
            }
            """);
        var (exit, output) = await DotNetCli.RunAsync(_root, Timeout, "build", "-nodeReuse:false", "-clp:NoSummary", "-p:EmitCompilerGeneratedFiles=true");
        Assert.True(exit == 0, output);
        var code = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(_root, "obj"), "Probe.Pipeline.g.cs", SearchOption.AllDirectories)));
        Assert.Contains("new global::Probe(global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<global::Store>(services))", code, StringComparison.Ordinal);
    }
}
