using System.Text;
using Platform.Sidecar.Core.State;

namespace Platform.Sidecar.Actors.Tests.State;

/// <summary>The semantics both state stores share; each store's test class supplies a fresh store.</summary>
public abstract class StateStoreContract
{
    protected abstract IStateStore CreateStore();

    protected virtual void SkipIfUnavailable() { }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Key() => "k-" + Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task MissingKeyIsNull()
    {
        SkipIfUnavailable();
        Assert.Null(await CreateStore().GetAsync(Key()));
    }

    [SkippableFact]
    public async Task EveryWriteBumpsTheETag()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var key = Key();
        Assert.Equal("1", await store.SetAsync(key, B("a")));
        Assert.Equal("2", await store.SetAsync(key, B("b")));
        var item = await store.GetAsync(key);
        Assert.Equal("b", Encoding.UTF8.GetString(item!.Value));
        Assert.Equal("2", item.ETag);
    }

    [SkippableFact]
    public async Task MatchingETagWinsAndStaleETagLoses()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var key = Key();
        var first = await store.SetAsync(key, B("a"));
        var second = await store.SetAsync(key, B("b"), first);
        var e = await Assert.ThrowsAsync<ETagMismatchException>(() => store.SetAsync(key, B("c"), first));
        Assert.Equal(key, e.Key);
        Assert.Equal("b", Encoding.UTF8.GetString((await store.GetAsync(key))!.Value));
        Assert.Equal(second, (await store.GetAsync(key))!.ETag);
    }

    [SkippableFact]
    public async Task ETagForAMissingKeyIsAMismatch()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var key = Key();
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.SetAsync(key, B("a"), "1"));
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.DeleteAsync(key, "1"));
        Assert.Null(await store.GetAsync(key));
    }

    [SkippableFact]
    public async Task DeleteHonoursTheETag()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var key = Key();
        var etag = await store.SetAsync(key, B("a"));
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.DeleteAsync(key, "999"));
        Assert.NotNull(await store.GetAsync(key));
        await store.DeleteAsync(key, etag);
        Assert.Null(await store.GetAsync(key));
        await store.DeleteAsync(key); // missing without ETag: fine
    }

    [SkippableFact]
    public async Task TransactionAppliesEveryOperation()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var (a, b, c) = (Key(), Key(), Key());
        var etagB = await store.SetAsync(b, B("old-b"));
        await store.SetAsync(c, B("old-c"));
        await store.TransactAsync([
            new StateOperation(StateOperationKind.Upsert, a, B("new-a")),
            new StateOperation(StateOperationKind.Upsert, b, B("new-b"), etagB),
            new StateOperation(StateOperationKind.Delete, c),
        ]);
        Assert.Equal("new-a", Encoding.UTF8.GetString((await store.GetAsync(a))!.Value));
        Assert.Equal("new-b", Encoding.UTF8.GetString((await store.GetAsync(b))!.Value));
        Assert.Equal("2", (await store.GetAsync(b))!.ETag);
        Assert.Null(await store.GetAsync(c));
    }

    [SkippableFact]
    public async Task TransactionWithAStaleETagAppliesNothing()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var (a, b, c) = (Key(), Key(), Key());
        await store.SetAsync(b, B("old-b"));
        await store.SetAsync(b, B("newer-b"));
        await store.SetAsync(c, B("old-c"));
        var e = await Assert.ThrowsAsync<ETagMismatchException>(() => store.TransactAsync([
            new StateOperation(StateOperationKind.Upsert, a, B("new-a")),
            new StateOperation(StateOperationKind.Delete, c),
            new StateOperation(StateOperationKind.Upsert, b, B("new-b"), "1"),
        ]));
        Assert.Equal(b, e.Key);
        Assert.Null(await store.GetAsync(a));
        Assert.NotNull(await store.GetAsync(c));
        Assert.Equal("newer-b", Encoding.UTF8.GetString((await store.GetAsync(b))!.Value));
    }

    [SkippableFact]
    public async Task ConcurrentWritersWithTheSameETagHaveOneWinner()
    {
        SkipIfUnavailable();
        var store = CreateStore();
        var key = Key();
        var etag = await store.SetAsync(key, B("0"));
        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await store.SetAsync(key, B(i.ToString()), etag);
                return true;
            }
            catch (ETagMismatchException)
            {
                return false;
            }
        });
        Assert.Equal(1, (await Task.WhenAll(attempts)).Count(won => won));
    }
}
