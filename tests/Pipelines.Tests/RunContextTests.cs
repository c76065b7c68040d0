using NodaTime;

namespace Pipelines.Tests;

/// <summary>What a task sees of its run: the asset extra it sets (RunContext.SetAssetExtra).</summary>
public sealed class RunContextTests
{
    private static RunContext Run() => new("etl", "r", "Load", new LocalDate(2024, 1, 2), new Interval(null, null));

    [Fact]
    public void The_asset_extra_read_before_anything_is_set_shows_what_is_set_later()
    {
        var run = Run();
        var extra = run.AssetExtra;
        Assert.Empty(extra);
        Assert.False(run.HasAssetExtra);

        run.SetAssetExtra("rows", "1200");
        run.SetAssetExtra("file", "/data/prices.csv");

        Assert.True(run.HasAssetExtra);
        Assert.Equal(2, extra.Count);
        Assert.Equal("1200", extra["rows"]);
        Assert.Same(extra, run.AssetExtra);
    }

    [Fact]
    public void The_asset_extra_cannot_be_changed_through_its_view()
    {
        var run = Run();
        run.SetAssetExtra("rows", "1200");
        var asDictionary = Assert.IsAssignableFrom<IDictionary<string, string>>(run.AssetExtra);

        Assert.Throws<NotSupportedException>(() => asDictionary["rows"] = "0");
        Assert.Equal("1200", run.AssetExtra["rows"]);
    }
}
