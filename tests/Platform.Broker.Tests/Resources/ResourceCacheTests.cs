using Platform.Broker.Resources;

namespace Platform.Broker.Tests.Resources;

/// <summary>The cache is synced only once every eventing kind was listed (no routing from half a picture).</summary>
public sealed class ResourceCacheTests
{
    [Fact]
    public void Synced_only_after_every_kind_was_listed_even_when_some_lists_are_empty()
    {
        var cache = new ResourceCache();
        foreach (var kind in EventingKinds.All.Skip(1))
        {
            cache.Replace(kind, []);
            Assert.False(cache.IsSynced);
        }
        cache.Replace(EventingKinds.All.First(), []);
        Assert.True(cache.IsSynced);
    }
}
