using CloudNative.CloudEvents;
using Platform.CloudEvents;

namespace Platform.Broker.Delivery;

/// <summary>
/// The event sent to a dead-letter sink: the original event with Knative's error extensions —
/// <c>knativeerrordest</c> (the subscriber), <c>knativeerrorcode</c> (last HTTP status, 500 for a transport error)
/// and <c>knativeerrordata</c> (the last response body, at most 1024 bytes, base64).
/// </summary>
internal static class DeadLetterEvent
{
    /// <summary>Largest error body carried, in bytes.</summary>
    public const int MaxErrorData = 1024;

    /// <summary>A copy of <paramref name="original"/> with the error extensions set.</summary>
    public static CloudEvent Build(CloudEvent original, Uri destination, int? lastStatus, ReadOnlySpan<byte> lastBody)
    {
        var copy = Copy(original);
        copy["knativeerrordest"] = destination.ToString();
        copy["knativeerrorcode"] = (lastStatus ?? 500).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!lastBody.IsEmpty)
            copy["knativeerrordata"] = Convert.ToBase64String(lastBody.Length > MaxErrorData ? lastBody[..MaxErrorData] : lastBody);
        return copy;
    }

    /// <summary>A shallow copy (attributes and data) of <paramref name="cloudEvent"/>.</summary>
    public static CloudEvent Copy(CloudEvent cloudEvent)
    {
        var copy = new CloudEvent(cloudEvent.SpecVersion, cloudEvent.ExtensionAttributes);
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes()) copy[attribute] = value;
        copy.Data = cloudEvent.Data;
        return copy;
    }

    /// <summary>Structured-mode bytes of <paramref name="cloudEvent"/>.</summary>
    public static ReadOnlyMemory<byte> Encode(CloudEvent cloudEvent) =>
        CloudEventHttp.Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
}
