using System.Collections.Concurrent;
using Platform.Sidecar.Components;
using Platform.Sidecar.Core.Discovery;
using Platform.Sidecar.Hosting;
using Platform.Sidecar.PubSub;

namespace Platform.Sidecar.Metadata;

/// <summary>One loaded component as the metadata API shows it.</summary>
internal sealed record ComponentInfo(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

/// <summary>What <c>GET /v1.0/metadata</c> and gRPC <c>GetMetadata</c> report; holds the extended attributes.</summary>
internal sealed class MetadataService(LoadedComponents components, SubscriptionCatalog subscriptions, ISelfRegistration self, SidecarOptions options)
{
    /// <summary>The version reported as <c>runtimeVersion</c>.</summary>
    public const string RuntimeVersion = "1.19.0-platform-local";

    /// <summary>Attributes set with <c>PUT /v1.0/metadata/{key}</c>.</summary>
    public ConcurrentDictionary<string, string> Extended { get; } = new(StringComparer.Ordinal);

    /// <summary>The app-id.</summary>
    public string AppId => options.AppId;

    /// <summary>The app's port, or null.</summary>
    public int? AppPort => options.AppPort;

    /// <summary>The app channel address.</summary>
    public string AppChannelAddress => options.AppChannelAddress;

    /// <summary>Actor types the app hosts.</summary>
    public IReadOnlyList<string> ActorTypes => self.Self.ActorTypes;

    /// <summary>The subscriptions being consumed.</summary>
    public SubscriptionCatalog Subscriptions => subscriptions;

    /// <summary>Loaded components with their capabilities.</summary>
    public IReadOnlyList<ComponentInfo> Components() => components.Resources.Components.Select(c =>
    {
        var caps = new List<string>();
        if (c.Type.StartsWith("state.", StringComparison.Ordinal))
        {
            caps.AddRange(["ETAG", "TRANSACTIONAL"]);
            if (string.Equals(c.Get("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase)) caps.Add("ACTOR");
        }
        return new ComponentInfo(c.Name, c.Type, c.Version, caps);
    }).ToList();

    /// <summary>The HTTP body of <c>GET /v1.0/metadata</c>.</summary>
    public object ToHttpBody() => new
    {
        id = options.AppId,
        runtimeVersion = RuntimeVersion,
        enabledFeatures = Array.Empty<string>(),
        actors = ActorTypes.Select(t => new { type = t, count = 0 }),
        components = Components().Select(c => new { name = c.Name, type = c.Type, version = c.Version, capabilities = c.Capabilities }),
        extended = new Dictionary<string, string>(Extended) { ["appCommand"] = Extended.GetValueOrDefault("appCommand", "") },
        subscriptions = subscriptions.Items.Select(s => new
        {
            pubsubname = s.PubSubName,
            topic = s.Topic,
            metadata = s.Metadata,
            rules = s.Routes.Rules.Select(r => new { match = r.Match, path = r.Path })
                .Concat(s.Routes.Default is null ? [] : [new { match = "", path = s.Routes.Default }]),
            deadLetterTopic = s.DeadLetterTopic ?? "",
            type = s.Kind,
        }),
        appConnectionProperties = new
        {
            port = options.AppPort ?? 0,
            protocol = options.AppProtocol,
            channelAddress = options.AppChannelAddress,
        },
        actorRuntime = new
        {
            runtimeStatus = "RUNNING",
            activeActors = ActorTypes.Select(t => new { type = t, count = 0 }),
            hostReady = ActorTypes.Count > 0,
            placement = "local registry",
        },
    };
}

/// <summary>Maps <c>GET /v1.0/metadata</c> and <c>PUT /v1.0/metadata/{key}</c>.</summary>
internal static class MetadataEndpoints
{
    /// <summary>Maps the metadata API.</summary>
    public static IEndpointRouteBuilder MapMetadataApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1.0/metadata", (MetadataService metadata) => Results.Json(metadata.ToHttpBody()));
        endpoints.MapPut("/v1.0/metadata/{key}", async (string key, HttpRequest request, MetadataService metadata) =>
        {
            using var reader = new StreamReader(request.Body);
            metadata.Extended[key] = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        });
        return endpoints;
    }
}
