using System.Xml.Linq;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// The Pipelines package alone is enough: a fresh project that references only it, from a local folder feed,
/// gets the generator and analyzer, builds, runs its generated pipeline, and fails to build with our diagnostic when broken.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-package-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_fresh_project_referencing_only_the_package_builds_runs_and_reports_diagnostics()
    {
        var feed = Path.Combine(_root, "feed");
        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        // A version no earlier run has put in the global package cache.
        var version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

        var repository = DiagnosticTests.RepositoryRoot();
        var (packExit, packOutput) = await DotNetCli.RunAsync(repository, Timeout,
            "pack", Path.Combine("src", "Pipelines", "Pipelines.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}");
        Assert.True(packExit == 0, packOutput);

        var package = Path.Combine(feed, $"Pipelines.{version}.nupkg");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("analyzers/dotnet/cs/Pipelines.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Pipelines.Generators.CodeFixes.dll", entries);
            // Workspaces comes with the IDE that loads the code fixes; packing it would load a second copy.
            Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal));
            Assert.Contains("analyzers/dotnet/cs/NodaTime.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Cronos.dll", entries);
            Assert.Contains("lib/net10.0/Pipelines.dll", entries);
            var nuspec = XDocument.Load(zip.GetEntry("Pipelines.nuspec")!.Open());
            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
            Assert.DoesNotContain("Pipelines.Generators", dependencies);
            Assert.DoesNotContain("Pipelines.Generators.CodeFixes", dependencies);
            Assert.Contains("NodaTime", dependencies);
        }

        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Pipelines" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using NodaTime;
            using Pipelines;

            var definition = PipelineCatalog.Get("hello");
            Console.WriteLine("order: " + string.Join(",", definition.Tasks.Select(t => t.Id)));
            var outputs = new Dictionary<string, string>();
            foreach (var task in definition.Tasks)
            {
                var run = new RunContext("hello", "run-1", task.Id, new LocalDate(2024, 3, 8), new Interval(null, null));
                var outcome = await definition.InvokeAsync(task, new TaskInvocation(run, new NoServices(), new Outputs(outputs)));
                if (outcome.OutputJson is not null) outputs[task.Id] = outcome.OutputJson;
            }
            Console.WriteLine("greeting: " + outputs["Greet"]);

            [Pipeline("hello", Schedule = "0 9 * * 1-5", TimeZone = "America/New_York")]
            public static partial class Hello
            {
                [PipelineTask, DependsOn(nameof(Name))]
                public static string Greet([FromTask(nameof(Name))] string name) => $"Hello, {name}!";

                [PipelineTask]
                public static Task<string> Name() => Task.FromResult("world");
            }

            sealed class NoServices : IServiceProvider
            {
                public object? GetService(Type serviceType) => null;
            }

            sealed class Outputs(Dictionary<string, string> values) : ITaskOutputSource
            {
                public string? GetOutputJson(string taskId) => values.TryGetValue(taskId, out var json) ? json : null;
            }
            """);

        var (runExit, runOutput) = await DotNetCli.RunAsync(app, Timeout, "run");
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("order: Name,Greet", runOutput, StringComparison.Ordinal);
        Assert.Contains("greeting: \"Hello, world!\"", runOutput, StringComparison.Ordinal);

        // Break the pipeline: the build fails with our diagnostic, at the argument, and nothing else.
        await File.WriteAllTextAsync(Path.Combine(app, "Broken.cs"), """
            using Pipelines;
            [Pipeline("broken", TimeZone = "America/New_Yrok")]
            public static partial class Broken
            {
                [PipelineTask] public static void Extract() { }
            }
            """);
        var (buildExit, buildOutput) = await DotNetCli.RunAsync(app, Timeout, "build");
        Assert.NotEqual(0, buildExit);
        Assert.Contains("Broken.cs(2,32): error PIPE012: Time zone 'America/New_Yrok' of pipeline 'broken' is not an IANA time zone id. Did you mean 'America/New_York'?", buildOutput, StringComparison.Ordinal);
        var errorLines = buildOutput.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        Assert.All(errorLines, l => Assert.Contains("error PIPE012", l, StringComparison.Ordinal));
    }
}
