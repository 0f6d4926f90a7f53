using System.Text.Json;

namespace Platform.Sidecar.Core.Discovery;

/// <summary>
/// <see cref="IAppRegistry"/> over a folder shared by the sidecars of one machine: each sidecar writes
/// <c>{appId}.{instanceId}.json</c> and rewrites it every second; entries older than <see cref="Ttl"/> are ignored
/// (a sidecar that died without cleaning up disappears by itself).
/// </summary>
public sealed class FileAppRegistry : IAppRegistry
{
    /// <summary>How long an entry counts as live after its last heartbeat.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TimeProvider _time;
    private readonly object _cacheLock = new();
    private (DateTimeOffset At, IReadOnlyList<AppInstance> Items) _cache = (DateTimeOffset.MinValue, []);

    /// <summary>Creates the registry over <paramref name="directory"/> (created when missing).</summary>
    public FileAppRegistry(string directory, TimeProvider time)
    {
        Directory = directory;
        _time = time;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>The registry folder.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public async Task RegisterAsync(AppInstance self, CancellationToken cancellationToken = default)
    {
        var path = PathOf(self);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(self, Json), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        lock (_cacheLock) _cache = (DateTimeOffset.MinValue, _cache.Items);
    }

    /// <inheritdoc />
    public Task UnregisterAsync(AppInstance self, CancellationToken cancellationToken = default)
    {
        try { File.Delete(PathOf(self)); }
        catch (IOException) { }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppInstance>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var list = new List<AppInstance>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                if (now - new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero) > Ttl) continue;
                var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
                if (JsonSerializer.Deserialize<AppInstance>(bytes, Json) is { AppId: not null, InstanceId: not null } instance)
                    list.Add(instance with { ActorTypes = instance.ActorTypes ?? [] });
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                // Being rewritten or removed right now: the next look-up sees it.
            }
        }
        list.Sort((a, b) => string.CompareOrdinal(a.InstanceId, b.InstanceId));
        lock (_cacheLock) _cache = (now, list);
        return list;
    }

    /// <summary>
    /// Live instances of <paramref name="appId"/>, from a listing at most <paramref name="maxAge"/> old; a miss
    /// always re-reads the folder so that a sidecar that just started is found.
    /// </summary>
    public async Task<IReadOnlyList<AppInstance>> FindAsync(string appId, TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        (DateTimeOffset At, IReadOnlyList<AppInstance> Items) cache;
        lock (_cacheLock) cache = _cache;
        if (_time.GetUtcNow() - cache.At <= maxAge)
        {
            var hits = cache.Items.Where(i => i.AppId == appId).ToList();
            if (hits.Count > 0) return hits;
        }
        return (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(i => i.AppId == appId).ToList();
    }

    private string PathOf(AppInstance self) => Path.Combine(Directory, $"{self.AppId}.{self.InstanceId}.json");
}
