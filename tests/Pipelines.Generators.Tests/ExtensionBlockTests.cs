using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// C# 14 extension blocks, built by the SDK's own compiler: the generator is built against Roslyn 4.8, which cannot
/// parse them, but runs in the compiler of the user's build and IDE. There the compiler makes a static method in the
/// class for each member of an extension block, carrying that member's attributes; before PIPE056 such a method was
/// read as a task (PIPE020 on its receiver, or a task the user never wrote), and the member itself drew PIPE021 naming
/// a class ''.
/// </summary>
public sealed class ExtensionBlockTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-extension-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_task_attribute_inside_an_extension_block_is_PIPE056_alone_and_an_extension_block_without_one_changes_nothing()
    {
        Directory.CreateDirectory(_root);
        // The libraries and the generator this test run was built with, referenced as files: no restore of our projects,
        // which other tests pack and build at the same time.
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
                <Analyzer Include="{Path.Combine(bin, "Pipelines.Generators.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "NodaTime.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "Cronos.dll")}" />
              </ItemGroup>
            </Project>
            """);
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
            .Select(l => l.Trim()).Select(l => l[..l.IndexOf(" (https://", StringComparison.Ordinal)]).Distinct().Order(StringComparer.Ordinal).ToList();
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
}
