using System.Text;
using Microsoft.Extensions.Time.Testing;
using Platform.Sidecar.Core.State;
using Platform.Testing;

namespace Platform.Sidecar.Actors.Tests.State;

public sealed class InMemoryStateStoreTests : StateStoreContract
{
    protected override IStateStore CreateStore() => StateStoreFactory.Create("mem", "state.in-memory", new Dictionary<string, string>());

    [Fact]
    public async Task TimeToLiveExpiresValues()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryStateStore("mem", new StateStoreOptions(false, TimeSpan.FromSeconds(10)), time);
        await store.SetAsync("k", "v"u8.ToArray());
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(await store.GetAsync("k"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync("k"));
    }
}

public sealed class RedisStateStoreTests(RedisServer redis) : StateStoreContract, IClassFixture<RedisServer>
{
    protected override void SkipIfUnavailable() => redis.SkipIfUnavailable();

    protected override IStateStore CreateStore() =>
        StateStoreFactory.Create("redis", "state.redis", new Dictionary<string, string> { ["redisHost"] = redis.HostPort, ["actorStateStore"] = "true" });

    [SkippableFact]
    public async Task UsesDaprsHashLayout()
    {
        redis.SkipIfUnavailable();
        var store = CreateStore();
        Assert.True(store.IsActorStateStore);
        await store.SetAsync("layout-key", "{\"a\":1}"u8.ToArray());
        await store.SetAsync("layout-key", "{\"a\":2}"u8.ToArray());
        using var connection = redis.Connect();
        var hash = (await connection.GetDatabase().HashGetAllAsync("layout-key")).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal(new Dictionary<string, string> { ["data"] = "{\"a\":2}", ["version"] = "2" }, hash);
    }

    [SkippableFact]
    public async Task TimeToLiveSetsARedisExpiry()
    {
        redis.SkipIfUnavailable();
        var store = StateStoreFactory.Create("redis", "state.redis", new Dictionary<string, string> { ["redisHost"] = redis.HostPort, ["ttlInSeconds"] = "100" });
        await store.SetAsync("ttl-key", "v"u8.ToArray());
        using var connection = redis.Connect();
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync("ttl-key");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalSeconds, 1, 100);
    }

    [SkippableFact]
    public async Task SelectsTheConfiguredDatabase()
    {
        redis.SkipIfUnavailable();
        var store = StateStoreFactory.Create("redis", "state.redis", new Dictionary<string, string> { ["redisHost"] = redis.HostPort, ["redisDB"] = "3" });
        await store.SetAsync("db-key", "v"u8.ToArray());
        using var connection = redis.Connect();
        Assert.True(await connection.GetDatabase(3).KeyExistsAsync("db-key"));
        Assert.False(await connection.GetDatabase(0).KeyExistsAsync("db-key"));
        Assert.Equal("v", Encoding.UTF8.GetString((await store.GetAsync("db-key"))!.Value));
    }
}

public sealed class StateStoreFactoryTests
{
    public static TheoryData<string, string, Dictionary<string, string>, string> Refused => new()
    {
        // label, type, metadata, text the error must contain
        { "missing redisHost", "state.redis", new(), "component 'store': metadata 'redisHost' is required" },
        { "TLS", "state.redis", new() { ["redisHost"] = "localhost:6379", ["enableTLS"] = "true" }, "'enableTLS' is not supported" },
        { "bad redisDB", "state.redis", new() { ["redisHost"] = "localhost:6379", ["redisDB"] = "two" }, "metadata 'redisDB' must be a non-negative integer" },
        { "bad actorStateStore", "state.in-memory", new() { ["actorStateStore"] = "yes" }, "metadata 'actorStateStore' must be \"true\" or \"false\"" },
        { "bad ttl", "state.in-memory", new() { ["ttlInSeconds"] = "0" }, "metadata 'ttlInSeconds' must be a positive integer" },
        { "unknown type", "state.mongodb", new(), "state store type 'state.mongodb' is not supported" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusesNamingComponentAndField(string label, string type, Dictionary<string, string> metadata, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => StateStoreFactory.Create("store", type, metadata));
        Assert.True(e is ArgumentException or NotSupportedException, label);
        Assert.Contains(expected, e.Message);
        Assert.Contains("'store'", e.Message);
    }

    [Fact]
    public void ReadsActorStateStoreFlag()
    {
        Assert.True(StateStoreFactory.Create("s", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" }).IsActorStateStore);
        Assert.False(StateStoreFactory.Create("s", "state.in-memory", new Dictionary<string, string>()).IsActorStateStore);
    }
}
