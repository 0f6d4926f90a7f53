using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Platform.Sidecar.Grpc;

/// <summary>
/// Registers the implemented methods of <c>dapr.proto.runtime.v1.Dapr</c> on <see cref="DaprGrpcService"/> with
/// the message parsers of Dapr.Protos (which ships no server base class for this service). Methods not listed
/// here answer <c>Unimplemented</c>.
/// </summary>
internal sealed class DaprMethodProvider : IServiceMethodProvider<DaprGrpcService>
{
    private const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        Add(context, "PublishEvent", PublishEventRequest.Parser, (s, r, c) => s.PublishEvent(r, c));
        Add(context, "BulkPublishEvent", BulkPublishRequest.Parser, (s, r, c) => s.BulkPublishEvent(r, c));
        Add(context, "BulkPublishEventAlpha1", BulkPublishRequest.Parser, (s, r, c) => s.BulkPublishEvent(r, c));
        Add(context, "GetState", GetStateRequest.Parser, (s, r, c) => s.GetState(r, c));
        Add(context, "GetBulkState", GetBulkStateRequest.Parser, (s, r, c) => s.GetBulkState(r, c));
        Add(context, "SaveState", SaveStateRequest.Parser, (s, r, c) => s.SaveState(r, c));
        Add(context, "DeleteState", DeleteStateRequest.Parser, (s, r, c) => s.DeleteState(r, c));
        Add(context, "DeleteBulkState", DeleteBulkStateRequest.Parser, (s, r, c) => s.DeleteBulkState(r, c));
        Add(context, "ExecuteStateTransaction", ExecuteStateTransactionRequest.Parser, (s, r, c) => s.ExecuteStateTransaction(r, c));
        Add(context, "GetMetadata", GetMetadataRequest.Parser, (s, r, c) => s.GetMetadata(r, c));
        Add(context, "SetMetadata", SetMetadataRequest.Parser, (s, r, c) => s.SetMetadata(r, c));
        // Streaming (dynamic) subscriptions: see StreamingSubscriptions.
        context.AddDuplexStreamingMethod(
            new Method<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1>(MethodType.DuplexStreaming, ServiceName, "SubscribeTopicEventsAlpha1",
                Marshallers.Create(r => r.ToByteArray(), Parse(SubscribeTopicEventsRequestAlpha1.Parser)),
                Marshallers.Create(r => r.ToByteArray(), SubscribeTopicEventsResponseAlpha1.Parser.ParseFrom)),
            [],
            (_, requests, responses, callContext) =>
            {
                var services = callContext.GetHttpContext().RequestServices;
                return ActivatorUtilities.GetServiceOrCreateInstance<StreamingSubscriptions>(services).SubscribeAsync(requests, responses, callContext);
            });
    }

    /// <summary>
    /// The request parser: a body that is not the method's protobuf message is the caller's error, so it answers
    /// InvalidArgument with the parser's reason (grpc-dotnet would report the exception as Unknown).
    /// </summary>
    internal static Func<byte[], T> Parse<T>(MessageParser<T> parser) where T : IMessage<T> => bytes =>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a valid {typeof(T).Name}: {e.Message}"));
        }
    };

    private static void Add<TRequest, TResponse>(ServiceMethodProviderContext<DaprGrpcService> context, string name, MessageParser<TRequest> parser,
        Func<DaprGrpcService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var responseParser = new MessageParser<TResponse>(() => new TResponse());
        var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name,
            Marshallers.Create(r => r.ToByteArray(), Parse(parser)),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
        context.AddUnaryMethod(method, [], (service, request, callContext) => handler(service, request, callContext));
    }
}
