using global::Hangfire;
using global::Hangfire.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>AddPipelines(IConfiguration): settings from appsettings.json, checked when the host starts.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Settings_bind_from_a_configuration_section()
    {
        using var host = Build(new()
        {
            ["Pipelines:LockTimeout"] = "00:02:00",
            ["Pipelines:Retention"] = "30:00:00:00",
            ["Pipelines:RegisterSchedules"] = "false",
        });
        await host.StartAsync();
        var options = host.Services.GetRequiredService<PipelinesOptions>();
        Assert.Equal(TimeSpan.FromMinutes(2), options.LockTimeout);
        Assert.Equal(Duration.FromDays(30), options.Retention);
        Assert.False(options.RegisterSchedules);
        Assert.Equal(["telemetry_scheduled"], host.Services.GetRequiredService<PipelineRegistry>().All.Select(p => p.Id));   // from the code lambda
        await host.StopAsync();
    }

    [Fact]
    public async Task A_liveness_timeout_shorter_than_the_heartbeat_stops_the_host_naming_both_keys_and_the_fix()
    {
        using var host = Build(new() { ["Pipelines:TryHeartbeatInterval"] = "00:00:05", ["Pipelines:TryLivenessTimeout"] = "00:00:03" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(
            "Pipelines:TryLivenessTimeout (00:00:03) must be longer than Pipelines:TryHeartbeatInterval (00:00:05), or every running try would be taken for dead between two heartbeats. Make it a few heartbeat intervals, such as 00:00:15.",
            error.Message);
    }

    [Fact]
    public async Task A_heartbeat_interval_under_a_millisecond_stops_the_host_naming_the_key_and_the_fix()
    {
        using var host = Build(new() { ["Pipelines:TryHeartbeatInterval"] = "00:00:00.0005" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("Pipelines:TryHeartbeatInterval is 00:00:00.0005000; it must be at least 1 ms (a timer's resolution), such as 00:00:05.", error.Message);
    }

    [Fact]
    public async Task Pool_slots_bind_from_configuration_and_a_pool_without_slots_stops_the_host()
    {
        using (var host = Build(new() { ["Pipelines:Pools:vendor_api"] = "2", ["Pipelines:Pools:default_pool"] = "128" }))
        {
            await host.StartAsync();
            var pools = host.Services.GetRequiredService<PipelinesOptions>().Pools;
            Assert.Equal(2, pools["vendor_api"]);
            Assert.Equal(128, pools["default_pool"]);
            await host.StopAsync();
        }
        using var empty = Build(new() { ["Pipelines:Pools:vendor_api"] = "0" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => empty.StartAsync());
        Assert.Equal("Pipelines:Pools:vendor_api is 0; a pool needs at least one slot, such as 4.", error.Message);
    }

    [Fact]
    public async Task A_value_that_is_not_a_time_span_stops_the_host_saying_how_to_write_it()
    {
        using var host = Build(new() { ["Pipelines:LockTimeout"] = "a minute" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("'Pipelines:LockTimeout'", error.Message);
        Assert.Contains("such as 00:01:00", error.Message);
    }

    [Fact]
    public async Task A_misspelled_key_stops_the_host_naming_it()
    {
        using var host = Build(new() { ["Pipelines:Retension"] = "30:00:00:00" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("'Retension'", error.Message);
    }

    [Fact]
    public async Task The_code_lambda_is_validated_at_start_too()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHangfire(c => c.UseLogProvider(new Infrastructure.SilentLogProvider()).UseInMemoryStorage());
        builder.Services.AddPipelines(o => { o.Pipelines = [TelemetryScheduled.Definition]; o.LockTimeout = TimeSpan.Zero; });
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("PipelinesOptions.LockTimeout is 00:00:00; it must be positive, such as 00:01:00.", error.Message);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHangfire(c => c.UseLogProvider(new Infrastructure.SilentLogProvider()).UseInMemoryStorage());
        builder.Services.AddPipelines(builder.Configuration.GetSection("Pipelines"), o => o.Pipelines = [TelemetryScheduled.Definition]);
        return builder.Build();
    }
}
