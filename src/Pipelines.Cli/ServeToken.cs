using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Pipelines.Cli;

/// <summary>
/// The secret that <c>serve</c>'s JSON API wants on every POST, so a web page the browser runs (even one that rebinds
/// its name to 127.0.0.1) cannot trigger, clear or backfill. <c>serve</c> writes a fresh one to a file only its user
/// can read, named by port; the CLI's <c>--server</c> client reads it from there, or from <c>PIPELINES_SERVE_TOKEN</c>.
/// </summary>
internal static class ServeToken
{
    /// <summary>The request header that carries the token.</summary>
    public const string Header = "X-Pipelines-Token";

    /// <summary>Overrides the file, for a client on another account or behind a tunnel.</summary>
    public const string EnvironmentVariable = "PIPELINES_SERVE_TOKEN";

    /// <summary>Where serve on <paramref name="port"/> keeps its token: under $XDG_RUNTIME_DIR (private to the user) when there is one, else in a folder of the user's own in the temp folder.</summary>
    public static string PathFor(int port)
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var folder = !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime)
            ? System.IO.Path.Combine(runtime, "pipelines")
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipelines-" + Environment.UserName);
        return System.IO.Path.Combine(folder, "serve-" + port.ToString(CultureInfo.InvariantCulture) + ".token");
    }

    /// <summary>Creates a random token and writes it where <see cref="Read"/> finds it, readable by this user only.</summary>
    public static string Create(int port)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var path = PathFor(port);
        var folder = System.IO.Path.GetDirectoryName(path)!;
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(path, token);
                return token;
            }
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // Fails unless this user owns the folder, so a folder someone else made in the shared temp folder is refused.
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Delete(path);
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            file.Write(Encoding.ASCII.GetBytes(token));
            return token;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the API token to {path}: {ex.Message} Remove the folder or set XDG_RUNTIME_DIR to a folder of your own.", exitCode: 3);
        }
    }

    /// <summary>The token of the serve on <paramref name="port"/> on this machine, or null when there is none to read.</summary>
    public static string? Read(int port)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment.Trim();
        try
        {
            return File.ReadAllText(PathFor(port)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the file when serve stops, unless a later serve on the same port has replaced it.</summary>
    public static void Delete(int port, string token)
    {
        try
        {
            var path = PathFor(port);
            if (File.Exists(path) && File.ReadAllText(path).Trim() == token) File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Compares in constant time, so the answer's timing does not reveal how much of a guess was right.</summary>
    public static bool Matches(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
