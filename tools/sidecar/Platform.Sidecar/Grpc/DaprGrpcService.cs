using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.State;
using Platform.Sidecar.Hosting;
using Platform.Sidecar.Metadata;
using Platform.Sidecar.PubSub;
using Platform.Sidecar.State;
using StateItem = Dapr.Client.Autogen.Grpc.v1.StateItem;

namespace Platform.Sidecar.Grpc;

/// <summary>
/// The implemented part of gRPC <c>dapr.proto.runtime.v1.Dapr</c>: publish, state and metadata, with daprd's status
/// codes (unknown component → <c>InvalidArgument</c>, ETag mismatch → <c>Aborted</c>).
/// </summary>
internal sealed class DaprGrpcService(Publisher publisher, LoadedComponents components, SidecarOptions options, MetadataService metadata)
{
    private static readonly Empty EmptyResponse = new();

    public async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        var result = await publisher.PublishAsync(request.PubsubName, request.Topic, request.Data.Memory, request.DataContentType,
            request.Metadata, context.RequestHeaders.GetValue("traceparent"), context.RequestHeaders.GetValue("tracestate"), context.CancellationToken).ConfigureAwait(false);
        if (result.Error != PublishError.Ok) throw ToRpc(result, request.PubsubName, request.Topic);
        return EmptyResponse;
    }

    public async Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context)
    {
        var (pubsub, check) = publisher.Resolve(request.PubsubName, request.Topic);
        if (pubsub is null) throw ToRpc(check, request.PubsubName, request.Topic);
        var traceParent = context.RequestHeaders.GetValue("traceparent");
        var response = new BulkPublishResponse();
        var pending = new List<(string EntryId, Task<PublishResult> Task)>();
        foreach (var entry in request.Entries)
        {
            IReadOnlyDictionary<string, string> md = entry.Metadata.Count == 0 ? request.Metadata : request.Metadata.Concat(entry.Metadata)
                .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            if (!publisher.TryPayload(request.PubsubName, request.Topic, entry.Event.Memory, entry.ContentType, md, traceParent, null, out var payload, out var error))
                throw ToRpc(error, request.PubsubName, request.Topic);
            pending.Add((entry.EntryId, publisher.AppendAsync(pubsub, request.Topic, payload, context.CancellationToken)));
        }
        foreach (var (entryId, task) in pending)
        {
            var result = await task.ConfigureAwait(false);
            if (result.Error != PublishError.Ok) response.FailedEntries.Add(new BulkPublishResponseFailedEntry { EntryId = entryId, Error = result.Detail ?? "publish failed" });
        }
        return response;
    }

    public async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var store = Store(request.StoreName);
        var item = await Run(() => store.Store.GetAsync(store.Key(request.Key), context.CancellationToken), "ERR_STATE_GET").ConfigureAwait(false);
        var response = new GetStateResponse();
        if (item is not null)
        {
            response.Data = ByteString.CopyFrom(item.Value);
            response.Etag = item.ETag;
        }
        return response;
    }

    public async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var store = Store(request.StoreName);
        var items = await Task.WhenAll(request.Keys.Select(async key =>
        {
            var item = new BulkStateItem { Key = key };
            try
            {
                if (await store.Store.GetAsync(store.Key(key), context.CancellationToken).ConfigureAwait(false) is { } found)
                {
                    item.Data = ByteString.CopyFrom(found.Value);
                    item.Etag = found.ETag;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                item.Error = e.Message;
            }
            return item;
        })).ConfigureAwait(false);
        var response = new GetBulkStateResponse();
        response.Items.AddRange(items);
        return response;
    }

    public async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var store = Store(request.StoreName);
        foreach (var item in request.States)
        {
            if (string.IsNullOrEmpty(item.Key)) throw new RpcException(new Status(StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST: states[].key is required"));
            await Run(() => store.Store.SetAsync(store.Key(item.Key), item.Value.Memory, ETagOf(item), context.CancellationToken), "ERR_STATE_SAVE").ConfigureAwait(false);
        }
        return EmptyResponse;
    }

    public async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        var store = Store(request.StoreName);
        var lastWrite = request.Options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyLastWrite;
        await Run(async () =>
        {
            await store.Store.DeleteAsync(store.Key(request.Key), StateKeys.ETag(request.Etag?.Value, lastWrite), context.CancellationToken).ConfigureAwait(false);
            return true;
        }, "ERR_STATE_DELETE").ConfigureAwait(false);
        return EmptyResponse;
    }

    public async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context)
    {
        var store = Store(request.StoreName);
        foreach (var item in request.States)
        {
            await Run(async () =>
            {
                await store.Store.DeleteAsync(store.Key(item.Key), ETagOf(item), context.CancellationToken).ConfigureAwait(false);
                return true;
            }, "ERR_STATE_DELETE").ConfigureAwait(false);
        }
        return EmptyResponse;
    }

    public async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var store = Store(request.StoreName);
        var operations = new List<StateOperation>(request.Operations.Count);
        foreach (var op in request.Operations)
        {
            var kind = op.OperationType switch
            {
                "upsert" => StateOperationKind.Upsert,
                "delete" => StateOperationKind.Delete,
                var other => throw new RpcException(new Status(StatusCode.InvalidArgument, $"ERR_NOT_SUPPORTED_STATE_OPERATION: operation type {other} not supported")),
            };
            if (op.Request is null || string.IsNullOrEmpty(op.Request.Key)) throw new RpcException(new Status(StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST: operations[].request.key is required"));
            operations.Add(new StateOperation(kind, store.Key(op.Request.Key), kind == StateOperationKind.Upsert ? op.Request.Value.ToByteArray() : null, ETagOf(op.Request)));
        }
        await Run(async () =>
        {
            await store.Store.TransactAsync(operations, context.CancellationToken).ConfigureAwait(false);
            return true;
        }, "ERR_STATE_TRANSACTION").ConfigureAwait(false);
        return EmptyResponse;
    }

    public Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context)
    {
        var response = new GetMetadataResponse { Id = options.AppId, RuntimeVersion = MetadataService.RuntimeVersion };
        foreach (var c in metadata.Components())
        {
            var registered = new RegisteredComponents { Name = c.Name, Type = c.Type, Version = c.Version };
            registered.Capabilities.AddRange(c.Capabilities);
            response.RegisteredComponents.Add(registered);
        }
        foreach (var (k, v) in metadata.Extended) response.ExtendedMetadata[k] = v;
        foreach (var s in metadata.Subscriptions.Items)
        {
            var sub = new PubsubSubscription { PubsubName = s.PubSubName, Topic = s.Topic, DeadLetterTopic = s.DeadLetterTopic ?? "", Rules = new PubsubSubscriptionRules() };
            foreach (var (k, v) in s.Metadata) sub.Metadata[k] = v;
            foreach (var r in s.Routes.Rules) sub.Rules.Rules.Add(new PubsubSubscriptionRule { Match = r.Match, Path = r.Path });
            if (s.Routes.Default is { } d) sub.Rules.Rules.Add(new PubsubSubscriptionRule { Match = "", Path = d });
            sub.Type = s.Kind == "DECLARATIVE" ? PubsubSubscriptionType.Declarative : PubsubSubscriptionType.Programmatic;
            response.Subscriptions.Add(sub);
        }
        response.ActorRuntime = new ActorRuntime
        {
            RuntimeStatus = ActorRuntime.Types.ActorRuntimeStatus.Running,
            HostReady = metadata.ActorTypes.Count > 0,
            Placement = "local registry",
        };
        foreach (var t in metadata.ActorTypes) response.ActorRuntime.ActiveActors.Add(new ActiveActorsCount { Type = t, Count = 0 });
        response.AppConnectionProperties = new AppConnectionProperties
        {
            Port = options.AppPort ?? 0,
            Protocol = options.AppProtocol,
            ChannelAddress = options.AppChannelAddress,
        };
        return Task.FromResult(response);
    }

    public Task<Empty> SetMetadata(SetMetadataRequest request, ServerCallContext context)
    {
        metadata.Extended[request.Key] = request.Value;
        return Task.FromResult(EmptyResponse);
    }

    private static string? ETagOf(StateItem item) =>
        StateKeys.ETag(item.Etag?.Value, item.Options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyLastWrite);

    private PrefixedStore Store(string name)
    {
        var (store, error) = StateEndpoints.Resolve(components, options, name);
        if (store is not null) return store;
        var code = error!.Status == 400 ? StatusCode.InvalidArgument : StatusCode.FailedPrecondition;
        throw new RpcException(new Status(code, $"{error.ErrorCode}: {error.Message}"));
    }

    private static async Task<T> Run<T>(Func<Task<T>> action, string errorCode)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ETagMismatchException e)
        {
            throw new RpcException(new Status(StatusCode.Aborted, $"{errorCode}: {e.Message}"));
        }
        catch (Exception e) when (e is not (OperationCanceledException or RpcException))
        {
            throw new RpcException(new Status(StatusCode.Internal, $"{errorCode}: {e.Message}"));
        }
    }

    private static RpcException ToRpc(PublishResult result, string pubsub, string topic)
    {
        var error = result.ToDaprError(pubsub, topic);
        var code = result.Error switch
        {
            PublishError.PubSubNotFound or PublishError.PubSubEmpty or PublishError.TopicEmpty or PublishError.BadRequest
                or PublishError.CloudEventInvalid => StatusCode.InvalidArgument,
            _ => StatusCode.Internal,
        };
        return new RpcException(new Status(code, $"{error.ErrorCode}: {error.Message}"));
    }
}
