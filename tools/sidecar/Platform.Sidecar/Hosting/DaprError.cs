using System.Text.Json;

namespace Platform.Sidecar.Hosting;

/// <summary>Dapr's error body <c>{"errorCode":"ERR_...","message":"..."}</c> with Dapr's HTTP status.</summary>
internal sealed record DaprError(int Status, string ErrorCode, string Message)
{
    /// <summary>Writes the error as the HTTP response.</summary>
    public IResult ToResult() => Results.Json(new Body(ErrorCode, Message), BodyJson, statusCode: Status);

    /// <summary>ERR_PUBSUB_NOT_FOUND (400).</summary>
    public static DaprError PubSubNotFound(string name) => new(400, "ERR_PUBSUB_NOT_FOUND", $"pubsub {name} is not found");

    /// <summary>ERR_PUBSUB_EMPTY (404): no pub/sub component is loaded or the name is empty.</summary>
    public static DaprError PubSubEmpty() => new(404, "ERR_PUBSUB_EMPTY", "pubsub name is empty");

    /// <summary>ERR_TOPIC_NAME_EMPTY (404).</summary>
    public static DaprError TopicEmpty(string pubsub) => new(404, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}");

    /// <summary>ERR_PUBSUB_PUBLISH_MESSAGE (500).</summary>
    public static DaprError PublishFailed(string topic, string pubsub, string reason) =>
        new(500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publish to topic {topic} in pubsub {pubsub}: {reason}");

    /// <summary>ERR_STATE_STORE_NOT_FOUND (400).</summary>
    public static DaprError StoreNotFound(string name) => new(400, "ERR_STATE_STORE_NOT_FOUND", $"state store {name} is not found");

    /// <summary>ERR_STATE_STORES_NOT_CONFIGURED (500).</summary>
    public static DaprError StoresNotConfigured() => new(500, "ERR_STATE_STORES_NOT_CONFIGURED", "state store is not configured");

    /// <summary>ERR_PUBSUB_CLOUD_EVENTS_SER (400): a structured CloudEvent that cannot be read as one.</summary>
    public static DaprError CloudEventInvalid(string reason) => new(400, "ERR_PUBSUB_CLOUD_EVENTS_SER", "error when unmarshalling the request as a cloud event: " + reason);

    /// <summary>ERR_BODY_TOO_LARGE (413): a request body above <c>--max-body-size</c>.</summary>
    public static DaprError BodyTooLarge(long limit) => new(413, "ERR_BODY_TOO_LARGE", $"request body is larger than the sidecar's --max-body-size ({limit} bytes)");

    /// <summary>ERR_MALFORMED_REQUEST (400).</summary>
    public static DaprError Malformed(string reason) => new(400, "ERR_MALFORMED_REQUEST", reason);

    /// <summary>ERR_DIRECT_INVOKE (500).</summary>
    public static DaprError DirectInvoke(string appId, string reason) => new(500, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {appId}, err: {reason}");

    private sealed record Body(string ErrorCode, string Message);

    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web);
}
