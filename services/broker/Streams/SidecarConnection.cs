using Grpc.Core;
using Grpc.Net.Client;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace Platform.Broker.Streams;

/// <summary>
/// The one gRPC connection to the Dapr sidecar, shared by the topic streams and the publisher: the generated
/// <c>dapr.proto.runtime.v1.Dapr</c> client (from <c>Dapr.Protos</c>) over one channel, and the headers every call
/// carries (<c>dapr-api-token</c>). The generated client is used rather than <c>Dapr.Client.DaprClient</c> because
/// publishing is the broker's hot path (one call per event and per fanned-out copy) and the SDK's wrapper adds
/// per-call work (user agent, option merging, exception translation) that buys nothing here.
/// </summary>
internal sealed class SidecarConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    /// <summary>Connects to <c>DAPR_GRPC_ENDPOINT</c>, else <c>127.0.0.1:DAPR_GRPC_PORT</c> (default 50001), lazily.</summary>
    public SidecarConnection(IConfiguration configuration)
        : this(configuration["DAPR_GRPC_ENDPOINT"] is { Length: > 0 } e ? e
            : $"http://127.0.0.1:{(configuration["DAPR_GRPC_PORT"] is { Length: > 0 } p ? p : "50001")}",
            configuration["DAPR_API_TOKEN"])
    {
    }

    /// <summary>Connects to <paramref name="endpoint"/> (e.g. <c>http://127.0.0.1:50001</c>), lazily.</summary>
    public SidecarConnection(string endpoint, string? apiToken)
    {
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // One HTTP/2 connection allows ~100 streams; a broker with many triggers needs more.
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                // The sidecar is a local peer: no W3C header injection per call (events carry their own traceparent).
                ActivityHeadersPropagator = null,
            },
        });
        Client = new DaprGrpc.DaprClient(_channel);
        if (apiToken is { Length: > 0 }) Headers.Add("dapr-api-token", apiToken);
    }

    /// <summary>The generated Dapr client.</summary>
    public DaprGrpc.DaprClient Client { get; }

    /// <summary>Headers of every call (the API token when there is one).</summary>
    public Metadata Headers { get; } = [];

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
