using System.IO;

namespace Pipelines.BuiltIns.Tests;

/// <summary>The wait-for-file sensor sees finished files only.</summary>
public sealed class FileSensorsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipelines-file-sensor-" + Guid.NewGuid().ToString("N"));

    public FileSensorsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_file_exists_once_it_is_renamed_into_place()
    {
        var path = Path.Combine(_folder, "fundamentals_20241129.csv");
        File.WriteAllText(path + ".part", "ticker,market_cap\n");

        Assert.False(FileSensors.Exists(path));
        Assert.False(FileSensors.Exists(_folder, "fundamentals_*"));

        File.Move(path + ".part", path);

        Assert.True(FileSensors.Exists(path));
        Assert.True(FileSensors.Exists(_folder, "fundamentals_*"));
    }

    [Theory]
    [InlineData("data.csv.part")]
    [InlineData("data.csv.PARTIAL")]
    [InlineData("data.csv.filepart")]
    [InlineData("data.csv.crdownload")]
    [InlineData("data.csv.tmp")]
    [InlineData(".data.csv.Xy12Ab")] // rsync's temporary name
    [InlineData("~$data.csv")]
    public void Temporary_files_do_not_satisfy_a_folder_search(string name)
    {
        File.WriteAllText(Path.Combine(_folder, name), "x");

        Assert.False(FileSensors.Exists(_folder, "*data.csv*"));
        Assert.True(FileSensors.IsTemporary(name));
    }

    [Fact]
    public void A_folder_with_the_name_is_not_a_file()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "data.csv"));

        Assert.False(FileSensors.Exists(Path.Combine(_folder, "data.csv")));
        Assert.False(FileSensors.Exists(_folder, "*.csv"));
    }

    [Fact]
    public void A_missing_folder_holds_nothing()
    {
        var missing = Path.Combine(_folder, "not-yet");

        Assert.False(FileSensors.Exists(missing, "*.csv"));
        Assert.Empty(FileSensors.Find(missing, "*.csv"));
    }

    [Fact]
    public void Find_lists_the_finished_matches_in_order()
    {
        foreach (var name in new[] { "b.csv", "a.csv", "c.csv.part", "notes.txt" }) File.WriteAllText(Path.Combine(_folder, name), "x");

        Assert.Equal([Path.Combine(_folder, "a.csv"), Path.Combine(_folder, "b.csv")], FileSensors.Find(_folder, "*.csv"));
    }

    [Fact]
    public void A_pattern_with_a_short_extension_matches_it_exactly()
    {
        // Windows' legacy matching would let "*.par" match "x.part"; the sensor uses simple matching everywhere.
        File.WriteAllText(Path.Combine(_folder, "x.parquet"), "x");

        Assert.False(FileSensors.Exists(_folder, "*.par"));
        Assert.True(FileSensors.Exists(_folder, "*.parquet"));
    }

    [Theory]
    [InlineData("fundamentals.csv", false)]
    [InlineData("report.partition.csv", false)]
    [InlineData("data.part", true)]
    [InlineData(".hidden", true)]
    public void Is_temporary_looks_at_the_name_only(string name, bool expected)
    {
        Assert.Equal(expected, FileSensors.IsTemporary(Path.Combine("/any/folder", name)));
    }
}
