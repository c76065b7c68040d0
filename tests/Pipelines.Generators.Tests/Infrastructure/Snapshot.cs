using System.Runtime.CompilerServices;

namespace Pipelines.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated code with a checked-in <c>Snapshots/Name.verified.cs</c>, exactly.
/// To accept new output, run the tests with <c>PIPELINES_ACCEPT_SNAPSHOTS=1</c>; review the diff before committing.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "PIPELINES_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n");

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }

        if (!File.Exists(verified))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(received, actual);
            Assert.Fail($"No snapshot {verified}. The output was written to {received}; review it, then run the tests with {AcceptVariable}=1 to accept it.");
        }

        var expected = File.ReadAllText(verified).Replace("\r\n", "\n");
        if (expected != actual)
        {
            File.WriteAllText(received, actual);
            Assert.Fail($"Generated code differs from {verified}; see {received}. If the change is intended, run the tests with {AcceptVariable}=1 and commit the new snapshot.\n" + FirstDifference(expected, actual));
        }
        if (File.Exists(received)) File.Delete(received);
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al) return $"First difference at line {i + 1}:\n  expected: {el}\n  actual:   {al}";
        }
        return "";
    }
}
