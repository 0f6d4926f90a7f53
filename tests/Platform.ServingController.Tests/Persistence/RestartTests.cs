using System.Net;
using Platform.ControlPlane.Server.Persistence;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Persistence;

public sealed class RestartTests
{
    [Fact]
    public async Task A_restart_loses_nothing_and_versions_keep_increasing()
    {
        var persistence = new InMemoryResourcePersistence();
        string lastVersion;
        string uid;
        await using (var first = new ApiHost(persistence))
        {
            var a = await first.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("survivor"));
            uid = a.Uid()!;
            await first.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("gone"));
            await first.Store.DeleteAsync(ApiHost.Service, "default", "gone");
            a["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
            var updated = await first.Store.UpdateAsync(ApiHost.Service, a);
            lastVersion = (await first.Store.ListAsync(ApiHost.Service, null)).ResourceVersion;
            Assert.Equal(2, updated.Generation());
        }
        Assert.True(persistence.Count == 1, string.Join(", ", persistence.Keys));

        await using var second = new ApiHost(persistence);
        var list = await second.Store.ListAsync(ApiHost.Service, null);
        Assert.Equal(lastVersion, list.ResourceVersion);
        var survivor = Assert.Single(list.Items);
        Assert.Equal(uid, survivor.Uid());
        Assert.Equal(2, survivor.Generation());
        Assert.Null(await second.Store.GetAsync(ApiHost.Service, "default", "gone"));

        var next = await second.Store.CreateAsync(ApiHost.Service, ApiHost.ServiceObject("after"));
        Assert.True(long.Parse(next.ResourceVersion()!) > long.Parse(lastVersion));

        // History did not survive, so resuming from before the restart is Gone; from the list version it works.
        var gone = await second.Client.GetAsync($"{ApiHost.Services_}?watch=true&resourceVersion=1");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task A_failing_store_refuses_the_write_and_changes_nothing()
    {
        var failing = new FailingPersistence();
        await using var host = new ApiHostWith(failing);
        var response = await host.Host.SendAsync(HttpMethod.Post, ApiHost.Services_, ApiHost.ServiceObject("x").ToJsonString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ServiceUnavailable", (await ApiHost.ReadAsync(response)).Str("reason"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Host.Client.GetAsync($"{ApiHost.Services_}/x")).StatusCode);
    }

    private sealed class FailingPersistence : IResourcePersistence
    {
        public Task<PersistedState> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new PersistedState([], 0));
        public Task SaveAsync(IReadOnlyList<PersistedWrite> writes, long resourceVersion, CancellationToken cancellationToken) =>
            throw new IOException("disk on fire");
    }

    // ApiHost with a persistence other than the in-memory one.
    private sealed class ApiHostWith(IResourcePersistence persistence) : IAsyncDisposable
    {
        public ApiHost Host { get; } = new(null, null, persistence);
        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }
}
