using System.Globalization;
using StackExchange.Redis;

namespace Platform.Sidecar.Core.State;

/// <summary>Connection settings of a <c>state.redis</c> component.</summary>
/// <param name="Host"><c>redisHost</c>: <c>host:port</c> (required).</param>
/// <param name="Password"><c>redisPassword</c> (default none).</param>
/// <param name="Username"><c>redisUsername</c> (default none).</param>
/// <param name="Database"><c>redisDB</c> (default 0).</param>
internal sealed record RedisStateStoreOptions(string Host, string? Password, string? Username, int Database)
{
    internal static RedisStateStoreOptions Read(string component, IReadOnlyDictionary<string, string> metadata)
    {
        var host = ComponentMetadata.Text(metadata, "redisHost")
            ?? throw new ArgumentException($"component '{component}': metadata 'redisHost' is required (host:port, e.g. localhost:6379)");
        if (ComponentMetadata.Bool(component, metadata, "enableTLS"))
            throw new NotSupportedException($"component '{component}': metadata 'enableTLS' is not supported by the local sidecar; use a plain-text Redis on loopback");
        return new RedisStateStoreOptions(
            host,
            ComponentMetadata.Text(metadata, "redisPassword"),
            ComponentMetadata.Text(metadata, "redisUsername"),
            ComponentMetadata.PositiveInt(component, metadata, "redisDB", allowZero: true) ?? 0);
    }
}

/// <summary>
/// <c>state.redis</c> with Dapr's layout: each key is a hash with fields <c>data</c> and <c>version</c>; the version is
/// the ETag and grows by one on every write. ETag checks and transactions run as Lua scripts, so they are atomic.
/// An ETag given for a missing key is a mismatch.
/// </summary>
internal sealed class RedisStateStore : IStateStore, IAsyncDisposable, IDisposable
{
    private const string Mismatch = "PLATFORM_ETAG_MISMATCH";

    // ARGV: etag ('' = none), data, ttl seconds (0 = none). Returns the new version.
    private const string SetScript = $$"""
        local v = redis.call('HGET', KEYS[1], 'version')
        if ARGV[1] ~= '' and v ~= ARGV[1] then return redis.error_reply('{{Mismatch}} 1') end
        redis.call('HSET', KEYS[1], 'data', ARGV[2])
        local n = redis.call('HINCRBY', KEYS[1], 'version', 1)
        if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
        return n
        """;

    // ARGV: etag ('' = none).
    private const string DeleteScript = $$"""
        if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return redis.error_reply('{{Mismatch}} 1') end
        return redis.call('DEL', KEYS[1])
        """;

    // ARGV[1]: ttl seconds; then per key i: ARGV[3i-1] kind ('u' | 'd'), ARGV[3i] etag, ARGV[3i+1] data.
    // Every ETag is checked before anything is written, so a mismatch leaves the store untouched.
    private const string TransactScript = $$"""
        local ttl = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local etag = ARGV[3 * i]
          if etag ~= '' and redis.call('HGET', KEYS[i], 'version') ~= etag then return redis.error_reply('{{Mismatch}} ' .. i) end
        end
        for i = 1, #KEYS do
          if ARGV[3 * i - 1] == 'u' then
            redis.call('HSET', KEYS[i], 'data', ARGV[3 * i + 1])
            redis.call('HINCRBY', KEYS[i], 'version', 1)
            if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) else redis.call('PERSIST', KEYS[i]) end
          else
            redis.call('DEL', KEYS[i])
          end
        end
        return #KEYS
        """;

    private static readonly RedisValue[] DataAndVersion = ["data", "version"];

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly StateStoreOptions _options;
    private readonly long _ttlSeconds;

    /// <summary>Connects lazily to <paramref name="redis"/>: a Redis that is not up yet fails the first operations, not start-up.</summary>
    public RedisStateStore(string name, RedisStateStoreOptions redis, StateStoreOptions options)
    {
        Name = name;
        _options = options;
        _ttlSeconds = (long)(options.DefaultTimeToLive?.TotalSeconds ?? 0);
        ConfigurationOptions config;
        try
        {
            config = ConfigurationOptions.Parse(redis.Host);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"component '{name}': metadata 'redisHost' is not host:port: {e.Message}", e);
        }
        config.Password = redis.Password;
        config.User = redis.Username;
        config.DefaultDatabase = redis.Database;
        config.AbortOnConnectFail = false;
        config.ClientName = "platform-sidecar-state";
        _connection = ConnectionMultiplexer.Connect(config);
        _db = _connection.GetDatabase(redis.Database);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsActorStateStore => _options.IsActorStateStore;

    /// <inheritdoc />
    public async Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var values = await _db.HashGetAsync(key, DataAndVersion).ConfigureAwait(false);
        if (values[1].IsNull) return null;
        return new StateItem(values[0].IsNull ? [] : (byte[])values[0]!, values[1].ToString());
    }

    /// <inheritdoc />
    public async Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, string? etag = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(key, SetScript, [key], [etag ?? "", value, _ttlSeconds], [key]).ConfigureAwait(false);
        return ((long)result).ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default) =>
        RunAsync(key, DeleteScript, [key], [etag ?? ""], [key]);

    /// <inheritdoc />
    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        if (operations.Count == 0) return;
        var keys = new RedisKey[operations.Count];
        var args = new RedisValue[1 + 3 * operations.Count];
        args[0] = _ttlSeconds;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            keys[i] = op.Key;
            args[1 + 3 * i] = op.Kind == StateOperationKind.Upsert ? "u" : "d";
            args[2 + 3 * i] = op.ETag ?? "";
            args[3 + 3 * i] = op.Kind == StateOperationKind.Upsert ? op.Value ?? [] : RedisValue.EmptyString;
        }
        await RunAsync(operations[0].Key, TransactScript, keys, args, operations.Select(o => o.Key).ToArray()).ConfigureAwait(false);
    }

    private async Task<RedisResult> RunAsync(string key, string script, RedisKey[] keys, RedisValue[] args, string[] names)
    {
        try
        {
            return await _db.ScriptEvaluateAsync(script, keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.Contains(Mismatch, StringComparison.Ordinal))
        {
            // The script names the 1-based position of the key whose ETag failed.
            var tail = e.Message[(e.Message.IndexOf(Mismatch, StringComparison.Ordinal) + Mismatch.Length)..].Trim();
            var digits = new string(tail.TakeWhile(char.IsAsciiDigit).ToArray());
            var index = int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 1 && i <= names.Length ? i - 1 : 0;
            throw new ETagMismatchException(names.Length > 0 ? names[index] : key);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(_connection.CloseAsync());

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();
}
