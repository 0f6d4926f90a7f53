using System.Text.Json;
using Platform.Sidecar.Actors.Hosting;

namespace Platform.Sidecar.Actors.Tests.Hosting;

public sealed class ActorAppConfigTests
{
    [Fact]
    public void ReadsWhatTheDotnetSdkServes()
    {
        using var doc = JsonDocument.Parse("""
            {"entities":["Counter","Scaler"],"actorIdleTimeout":"0h5m0s0ms","actorScanInterval":"0h0m10s0ms",
             "drainOngoingCallTimeout":"0h0m30s0ms","drainRebalancedActors":false,
             "reentrancy":{"enabled":true,"maxStackDepth":8},
             "entitiesConfig":[{"entities":["Scaler"],"actorIdleTimeout":"0h0m2s0ms","reentrancy":{"enabled":false}}]}
            """);
        var config = ActorAppConfig.Parse(doc.RootElement);
        Assert.Equal(["Counter", "Scaler"], config.Entities);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ScanInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), config.DrainOngoingCallTimeout);
        Assert.False(config.DrainRebalancedActors);
        Assert.Equal(new ActorTypeSettings(TimeSpan.FromMinutes(5), new ActorReentrancy(true, 8)), config.For("Counter"));
        Assert.Equal(new ActorTypeSettings(TimeSpan.FromSeconds(2), new ActorReentrancy(false, 32)), config.For("Scaler"));
        Assert.True(config.Hosts("Scaler"));
        Assert.False(config.Hosts("Other"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"entities":[],"actorIdleTimeout":"soon","actorScanInterval":5}""")]
    [InlineData("[]")]
    public void FallsBackToDaprDefaults(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var config = ActorAppConfig.Parse(doc.RootElement);
        Assert.Empty(config.Entities);
        Assert.Equal(TimeSpan.FromMinutes(60), config.Defaults.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), config.ScanInterval);
        Assert.False(config.Defaults.Reentrancy.Enabled);
    }
}
