using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ControlPlane.Server.Hosting;

namespace Platform.ControlPlane.Server.Persistence;

/// <summary>
/// Persistence in the Dapr state store (component <see cref="ControlPlaneOptions.StateStore"/>). Layout, with the
/// default prefix:
/// <list type="bullet">
/// <item><c>resources||{group}||{kind}||{ns}||{name}</c>: the object's JSON;</item>
/// <item><c>resources||index||{group}||{kind}||{ns}</c>: JSON array of the names of that kind in that namespace;</item>
/// <item><c>resources||index</c>: JSON array of those index keys (Dapr has no key listing);</item>
/// <item><c>resources||resourceVersion</c>: the last resourceVersion.</item>
/// </list>
/// Each batch is one state transaction in which the resourceVersion counter is written with the ETag read at the
/// previous write: a second control plane writing the same store makes the next transaction of the other fail
/// (compare-and-set on the counter), so two instances cannot interleave their versions silently.
/// </summary>
internal sealed partial class DaprResourcePersistence(DaprClient dapr, IOptions<ControlPlaneOptions> options, ILogger<DaprResourcePersistence> log) : IResourcePersistence
{
    private const int BulkChunk = 200;
    private readonly ControlPlaneOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SortedSet<string>> _index = new(StringComparer.Ordinal);
    private string? _counterETag;
    private long _savedVersion;

    private string TopIndexKey => $"{_options.KeyPrefix}||index";
    private string CounterKey => $"{_options.KeyPrefix}||resourceVersion";

    /// <inheritdoc />
    public async Task<PersistedState> LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var store = _options.StateStore;
            _index.Clear();
            var (shards, _) = await dapr.GetStateAndETagAsync<List<string>>(store, TopIndexKey, cancellationToken: cancellationToken);
            var objectKeys = new List<string>();
            foreach (var chunk in (shards ?? []).Chunk(BulkChunk))
            {
                var items = await dapr.GetBulkStateAsync(store, chunk, parallelism: 8, cancellationToken: cancellationToken);
                foreach (var item in items)
                {
                    var names = string.IsNullOrEmpty(item.Value) ? [] : JsonSerializer.Deserialize<List<string>>(item.Value) ?? [];
                    if (names.Count == 0) continue;
                    _index[item.Key] = new SortedSet<string>(names, StringComparer.Ordinal);
                    var objectPrefix = _options.KeyPrefix + "||" + item.Key[(TopIndexKey.Length + 2)..] + "||";
                    objectKeys.AddRange(names.Select(n => objectPrefix + n));
                }
            }
            var objects = new List<JsonObject>(objectKeys.Count);
            foreach (var chunk in objectKeys.Chunk(BulkChunk))
            {
                var items = await dapr.GetBulkStateAsync(store, chunk, parallelism: 8, cancellationToken: cancellationToken);
                foreach (var item in items)
                {
                    if (string.IsNullOrEmpty(item.Value) || JsonNode.Parse(item.Value) is not JsonObject obj)
                    {
                        LogDangling(item.Key);
                        continue;
                    }
                    objects.Add(obj);
                }
            }
            var (version, etag) = await dapr.GetStateAndETagAsync<long>(store, CounterKey, cancellationToken: cancellationToken);
            _counterETag = string.IsNullOrEmpty(etag) ? null : etag;
            _savedVersion = version;
            return new PersistedState(objects, version);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(IReadOnlyList<PersistedWrite> writes, long resourceVersion, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var prefix = _options.KeyPrefix;
            var ops = new List<StateTransactionRequest>(writes.Count + 4);
            var changedShards = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var w in writes)
            {
                ops.Add(w.Json is { } json
                    ? new StateTransactionRequest(w.Key(prefix), json.ToArray(), StateOperationType.Upsert)
                    : new StateTransactionRequest(w.Key(prefix), null, StateOperationType.Delete));
                var shardKey = w.IndexKey(prefix);
                if (!changedShards.TryGetValue(shardKey, out var names))
                    names = new SortedSet<string>(_index.GetValueOrDefault(shardKey) ?? [], StringComparer.Ordinal);
                var changed = w.Json is null ? names.Remove(w.Name) : names.Add(w.Name);
                if (changed || changedShards.ContainsKey(shardKey)) changedShards[shardKey] = names;
            }
            var topChanged = false;
            foreach (var (shardKey, names) in changedShards)
            {
                if (names.Count == 0)
                {
                    ops.Add(new StateTransactionRequest(shardKey, null, StateOperationType.Delete));
                    topChanged |= _index.ContainsKey(shardKey);
                }
                else
                {
                    ops.Add(new StateTransactionRequest(shardKey, JsonSerializer.SerializeToUtf8Bytes(names), StateOperationType.Upsert));
                    topChanged |= !_index.ContainsKey(shardKey);
                }
            }
            var newTop = _index.Keys.Concat(changedShards.Keys).Distinct()
                .Where(k => changedShards.TryGetValue(k, out var n) ? n.Count > 0 : true)
                .Order(StringComparer.Ordinal).ToList();
            if (topChanged)
                ops.Add(new StateTransactionRequest(TopIndexKey, JsonSerializer.SerializeToUtf8Bytes(newTop), StateOperationType.Upsert));
            ops.Add(new StateTransactionRequest(CounterKey, Encoding.UTF8.GetBytes(resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                StateOperationType.Upsert, _counterETag,
                options: _counterETag is null ? null : new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }));

            try
            {
                await dapr.ExecuteStateTransactionAsync(_options.StateStore, ops, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is Dapr.DaprException or Grpc.Core.RpcException)
            {
                var (stored, _) = await dapr.GetStateAndETagAsync<long>(_options.StateStore, CounterKey, cancellationToken: cancellationToken);
                if (stored != _savedVersion)
                    throw new PersistenceConflictException($"resourceVersion in the store is {stored}, this instance last wrote {_savedVersion}", ex);
                throw;
            }

            foreach (var (shardKey, names) in changedShards)
                if (names.Count == 0) _index.Remove(shardKey);
                else _index[shardKey] = names;
            _savedVersion = resourceVersion;
            var (_, etag) = await dapr.GetStateAndETagAsync<long>(_options.StateStore, CounterKey, cancellationToken: cancellationToken);
            _counterETag = string.IsNullOrEmpty(etag) ? null : etag;
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "State key {Key} is listed in the index but holds no object; skipped")]
    private partial void LogDangling(string key);
}
