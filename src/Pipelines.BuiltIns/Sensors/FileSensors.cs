using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Pipelines.Calendars;

/// <summary>
/// Wait-for-file sensors (Airflow's <c>FileSensor</c>): call them from your own <c>[PipelineTask, Sensor(...)]</c> method.
/// </summary>
/// <remarks>
/// <para>
/// When a folder is searched, files that are still being written are not counted, so a sensor does not fire on a half
/// delivered file: names ending in <c>.part</c>, <c>.partial</c>, <c>.filepart</c>, <c>.crdownload</c>, <c>.download</c>,
/// <c>.tmp</c>, <c>.temp</c> or <c>.swp</c>, and names starting with <c>.</c> (rsync's and many tools' hidden temporary
/// files) or <c>~</c> (editors' lock files). A delivery that writes <c>data.csv.part</c> and renames it to <c>data.csv</c>
/// when done is seen exactly once it is complete.
/// </para>
/// <para>
/// Only existence is checked, never modification times, so nothing depends on the clock. Ask the sender to write
/// under a temporary name and rename at the end; a file written in place under its final name is seen as soon as it appears.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [PipelineTask, Sensor(PokeInterval = "00:01:00", Timeout = "03:00:00")]
/// public bool VendorFileArrived(RunContext run) =>
///     FileSensors.Exists("/data/vendor", $"fundamentals_{run.LogicalDate:yyyyMMdd}*.csv");
/// </code>
/// </example>
public static class FileSensors
{
    private static readonly string[] s_temporaryExtensions =
        { ".part", ".partial", ".filepart", ".crdownload", ".download", ".tmp", ".temp", ".swp" };

    /// <summary>Whether the file at <paramref name="path"/> exists (a folder of that name does not count).</summary>
    /// <param name="path">The full path of the file the sender renames into place when it is complete.</param>
    /// <returns><see langword="true"/> when the file exists.</returns>
    public static bool Exists(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path);
    }

    /// <summary>
    /// Whether <paramref name="folder"/> holds a finished file matching <paramref name="searchPattern"/> (temporary files
    /// are ignored, see the remarks on <see cref="FileSensors"/>). A missing folder holds nothing.
    /// </summary>
    /// <param name="folder">The folder to look in (not its subfolders).</param>
    /// <param name="searchPattern">A pattern with <c>*</c> and <c>?</c> wildcards, such as <c>*.csv</c>.</param>
    /// <returns><see langword="true"/> when at least one finished file matches.</returns>
    public static bool Exists(string folder, string searchPattern) => Matching(folder, searchPattern).Any();

    /// <summary>
    /// The full paths of the finished files in <paramref name="folder"/> matching <paramref name="searchPattern"/>, in
    /// ordinal order, for the task after the sensor to read. Temporary files are left out.
    /// </summary>
    /// <param name="folder">The folder to look in (not its subfolders).</param>
    /// <param name="searchPattern">A pattern with <c>*</c> and <c>?</c> wildcards.</param>
    /// <returns>The matching files; empty when there are none or the folder does not exist.</returns>
    public static IReadOnlyList<string> Find(string folder, string searchPattern) =>
        Matching(folder, searchPattern).OrderBy(p => p, StringComparer.Ordinal).ToArray();

    /// <summary>Whether a file name looks like a file still being written, by the rules in the remarks on <see cref="FileSensors"/>.</summary>
    /// <param name="path">A file name or path.</param>
    /// <returns><see langword="true"/> for a temporary or partial file.</returns>
    public static bool IsTemporary(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        if (name.Length == 0 || name[0] is '.' or '~') return true;
        foreach (var extension in s_temporaryExtensions)
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }

    private static IEnumerable<string> Matching(string folder, string searchPattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(searchPattern);
        if (!Directory.Exists(folder)) return Array.Empty<string>();
        // Simple matching: "*.par" does not match "x.part" the way Windows' legacy 8.3 rules would.
        return Directory.EnumerateFiles(folder, searchPattern, new EnumerationOptions { MatchType = MatchType.Simple, IgnoreInaccessible = true })
            .Where(p => !IsTemporary(p));
    }
}
