using System.Net;
using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Platform.Sidecar.Tests.Infrastructure;

namespace Platform.Sidecar.Tests.State;

/// <summary>State, invocation, metadata and API tokens through real sidecar processes, with the official SDK.</summary>
public sealed class StateAndInvocationTests(ServiceTopology topology) : IClassFixture<ServiceTopology>
{
    private sealed record Order(string Id, int Amount);

    private static string Key(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [SkippableTheory]
    [InlineData("statestore")]
    [InlineData("memstore")]
    public async Task Etags_follow_first_write_wins(string store)
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Caller.CreateClient();
        var key = Key("order");
        await client.SaveStateAsync(store, key, new Order(key, 1));
        var (order, etag) = await client.GetStateAndETagAsync<Order>(store, key);
        Assert.Equal(new Order(key, 1), order);
        Assert.False(string.IsNullOrEmpty(etag));

        Assert.True(await client.TrySaveStateAsync(store, key, new Order(key, 2), etag));
        Assert.False(await client.TrySaveStateAsync(store, key, new Order(key, 3), etag)); // stale: Aborted → false
        var (current, newEtag) = await client.GetStateAndETagAsync<Order>(store, key);
        Assert.Equal(2, current.Amount);

        Assert.False(await client.TryDeleteStateAsync(store, key, etag));
        Assert.True(await client.TryDeleteStateAsync(store, key, newEtag));
        Assert.Null(await client.GetStateAsync<Order>(store, key));
    }

    [SkippableFact]
    public async Task State_keys_use_Dapr_app_id_prefix_in_Redis()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Caller.CreateClient();
        var key = Key("prefixed");
        await client.SaveStateAsync("statestore", key, new Order(key, 7));
        await using var redis = topology.Redis.Connect();
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"caller||{key}"));
    }

    [SkippableFact]
    public async Task Bulk_and_transactions_apply_all_or_nothing()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Caller.CreateClient();
        var (a, b, c) = (Key("a"), Key("b"), Key("c"));
        // (DaprClient.SaveBulkStateAsync sends no API token, so two saves here; HTTP saves arrays elsewhere.)
        await client.SaveStateAsync("statestore", a, new Order(a, 1));
        await client.SaveStateAsync("statestore", b, new Order(b, 2));
        var bulk = await client.GetBulkStateAsync("statestore", new[] { a, b, c }, parallelism: 2);
        Assert.Equal(3, bulk.Count);
        Assert.Equal(2, JsonSerializer.Deserialize<Order>(bulk.Single(i => i.Key == b).Value, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.Amount);
        Assert.True(string.IsNullOrEmpty(bulk.Single(i => i.Key == c).Value));

        await client.ExecuteStateTransactionAsync("statestore", new List<StateTransactionRequest>
        {
            new(c, JsonSerializer.SerializeToUtf8Bytes(new Order(c, 3), new JsonSerializerOptions(JsonSerializerDefaults.Web)), StateOperationType.Upsert),
            new(a, null, StateOperationType.Delete),
        });
        Assert.Null(await client.GetStateAsync<Order>("statestore", a));
        Assert.Equal(3, (await client.GetStateAsync<Order>("statestore", c)).Amount);

        // A stale ETag aborts the whole transaction.
        var e = await Assert.ThrowsAnyAsync<DaprException>(() => client.ExecuteStateTransactionAsync("statestore", new List<StateTransactionRequest>
        {
            new(b, null, StateOperationType.Delete),
            new(c, Encoding.UTF8.GetBytes("{}"), StateOperationType.Upsert, etag: "999999"),
        }));
        Assert.Equal(StatusCode.Aborted, Assert.IsType<RpcException>(e.InnerException).StatusCode);
        Assert.NotNull(await client.GetStateAsync<Order>("statestore", b));

        await client.DeleteBulkStateAsync("statestore", new List<BulkDeleteStateItem> { new(b, null!), new(c, null!) });
        Assert.Null(await client.GetStateAsync<Order>("statestore", b));
    }

    [SkippableFact]
    public async Task Http_state_api_speaks_Dapr_wire_format()
    {
        topology.Redis.SkipIfUnavailable();
        using var http = topology.Caller.CreateHttpClient();
        var key = Key("http");
        var save = await http.PostAsync("/v1.0/state/statestore", new StringContent($$$"""[{"key":"{{{key}}}","value":{"id":"{{{key}}}","amount":5}},{"key":"{{{key}}}-2","value":"text"}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        var get = await http.GetAsync($"/v1.0/state/statestore/{key}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.False(string.IsNullOrEmpty(get.Headers.GetValues("ETag").Single())); // raw, unquoted, as daprd sends it
        Assert.Equal(5, JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("amount").GetInt32());

        // The SDK (gRPC) reads what HTTP wrote.
        using var client = topology.Caller.CreateClient();
        Assert.Equal("text", await client.GetStateAsync<string>("statestore", key + "-2"));
        Assert.Equal(5, (await client.GetStateAsync<Order>("statestore", key)).Amount);

        using var stale = new HttpRequestMessage(HttpMethod.Delete, $"/v1.0/state/statestore/{key}");
        stale.Headers.TryAddWithoutValidation("If-Match", "12345");
        var conflict = await http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("ERR_STATE_DELETE", await conflict.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/v1.0/state/statestore/{key}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync($"/v1.0/state/statestore/{key}")).StatusCode);

        var malformed = await http.PostAsync("/v1.0/state/statestore", new StringContent("""[{"value":1}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("ERR_MALFORMED_REQUEST", await malformed.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Unknown_store_is_refused_with_Dapr_error_codes()
    {
        topology.Redis.SkipIfUnavailable();
        using var http = topology.Caller.CreateHttpClient();
        var response = await http.GetAsync("/v1.0/state/nostore/k");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errorCode").GetString());

        using var client = topology.Caller.CreateClient();
        var e = await Assert.ThrowsAnyAsync<DaprException>(() => client.GetStateAsync<Order>("nostore", "k"));
        var rpc = Assert.IsType<RpcException>(e.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Contains("ERR_STATE_STORE_NOT_FOUND", rpc.Status.Detail);
    }

    [SkippableFact]
    public async Task Unimplemented_grpc_methods_answer_Unimplemented()
    {
        topology.Redis.SkipIfUnavailable();
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{topology.Caller.GrpcPort}");
        var raw = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);
        var headers = new global::Grpc.Core.Metadata { { "dapr-api-token", ServiceTopology.Token } };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await raw.InvokeBindingAsync(new Dapr.Client.Autogen.Grpc.v1.InvokeBindingRequest { Name = "x" }, headers));
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [SkippableFact]
    public async Task Invocation_reaches_the_other_app_through_its_sidecar()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.Caller.CreateClient();
#pragma warning disable CS0618 // the SDK marks invocation obsolete; our services may still use it
        var hello = await client.InvokeMethodAsync<string>(HttpMethod.Get, "callee", "hello");
#pragma warning restore CS0618
        Assert.Equal("hello from callee, caller caller", hello);

        using var http = topology.Caller.CreateHttpClient();
        var echo = await http.PostAsync("/v1.0/invoke/callee/method/echo/42?x=1", new StringContent("ping"));
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.Equal("42:ping", await echo.Content.ReadAsStringAsync());
        Assert.All(topology.Callee.On("echo/42"), r => Assert.Equal("app-secret", r.ApiToken)); // APP_API_TOKEN, not DAPR_API_TOKEN

        var missing = await http.GetAsync("/v1.0/invoke/nobody/method/hello");
        Assert.Equal(HttpStatusCode.InternalServerError, missing.StatusCode);
        Assert.Contains("ERR_DIRECT_INVOKE", await missing.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Api_token_is_required_except_for_health()
    {
        topology.Redis.SkipIfUnavailable();
        using var anonymous = topology.Caller.CreateHttpClient(withToken: false);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.GetAsync("/v1.0/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.GetAsync("/v1.0/healthz/outbound")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1.0/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1.0/state/statestore/k")).StatusCode);

        using var wrongToken = topology.Caller.CreateClient(token: "wrong");
        var e = await Assert.ThrowsAnyAsync<DaprException>(() => wrongToken.SaveStateAsync("statestore", "k", 1));
        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(e.InnerException).StatusCode);
    }

    [SkippableFact]
    public async Task Metadata_lists_components_and_subscriptions()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.CalleeSidecar.CreateClient();
        var metadata = await client.GetMetadataAsync();
        Assert.Equal("callee", metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == "statestore" && c.Type == "state.redis");
        Assert.Contains(metadata.Components, c => c.Name == "mempubsub" && c.Type == "pubsub.in-memory");

        using var http = topology.CalleeSidecar.CreateHttpClient();
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/v1.0/metadata/owner", new StringContent("tests"))).StatusCode);
        var body = JsonDocument.Parse(await http.GetStringAsync("/v1.0/metadata")).RootElement;
        Assert.Equal("tests", body.GetProperty("extended").GetProperty("owner").GetString());
        Assert.Equal("callee", body.GetProperty("id").GetString());
    }

    [SkippableFact]
    public async Task In_memory_pubsub_delivers_within_the_sidecar()
    {
        topology.Redis.SkipIfUnavailable();
        using var client = topology.CalleeSidecar.CreateClient();
        var key = Key("mem");
        await client.PublishEventAsync("mempubsub", "local", new { key });
        await Eventually.HoldsAsync(() => topology.Callee.On("memory-events").Any(r => r.Envelope.GetProperty("data").GetProperty("key").GetString() == key), "in-memory delivery");
        Assert.Equal("callee", topology.Callee.On("memory-events").First().Envelope.GetProperty("source").GetString());
        Assert.Equal("app-secret", topology.Callee.On("memory-events").First().ApiToken);
    }
}
