using System.Security.Cryptography;
using System.Text;
using CloudNative.CloudEvents;
using Platform.Resources.Sources;
using Platform.Sources.Sdk;

namespace Platform.Sources.Ping;

/// <summary>
/// The event a PingSource sends, attribute for attribute as Knative's ping adapter builds it: type
/// <c>dev.knative.sources.ping</c>, source <c>/apis/v1/namespaces/{ns}/pingsources/{name}</c>, the
/// <c>ceOverrides</c> extensions, <c>dataBase64</c> decoded or <c>data</c> as is with <c>contentType</c> (no data, no
/// content type), <c>time</c> when it is sent. The id is a UUID like Knative's, but derived from the source's uid and
/// the tick (name-based, version 5), so that a tick sent again after a replica died has the same id. Pure.
/// </summary>
internal static class PingEvents
{
    // Namespace of the name-based ids (a fixed random UUID).
    private static readonly Guid IdNamespace = new("6f1c2d0e-8a4b-4c57-9e3d-2b7a5c9f1e40");

    /// <summary>The event of <paramref name="source"/> for <paramref name="tick"/>, sent at <paramref name="sentAt"/>.</summary>
    public static CloudEvent Build(PingSource source, string uid, DateTimeOffset tick, DateTimeOffset sentAt)
    {
        var spec = source.Spec ?? new PingSourceSpec();
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = EventId(uid, tick),
            Type = PingSource.EventType,
            Source = new Uri(source.EventSource(), UriKind.Relative),
            Time = sentAt,
        };
        if (spec.CeOverrides?.Extensions is { Count: > 0 } extensions) new CeOverrides(extensions).ApplyTo(cloudEvent);
        byte[]? data = !string.IsNullOrEmpty(spec.DataBase64) ? Convert.FromBase64String(spec.DataBase64)
            : !string.IsNullOrEmpty(spec.Data) ? Encoding.UTF8.GetBytes(spec.Data)
            : null;
        if (data is not null)
        {
            cloudEvent.Data = data;
            if (!string.IsNullOrEmpty(spec.ContentType)) cloudEvent.DataContentType = spec.ContentType;
        }
        return cloudEvent;
    }

    /// <summary>The event id of a source's tick: an RFC 4122 version-5 UUID of <c>{uid}/{tick}</c>.</summary>
    public static string EventId(string uid, DateTimeOffset tick)
    {
        var name = Encoding.UTF8.GetBytes($"{uid}/{tick.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}");
        var space = IdNamespace.ToByteArray(bigEndian: true);
        var hash = SHA1.HashData([.. space, .. name]);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
