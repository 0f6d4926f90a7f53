using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>What the app's answer to a delivery means.</summary>
public enum DeliveryStatus
{
    /// <summary>Processed: acknowledge.</summary>
    Success,
    /// <summary>Deliver again (subject to the retry policy).</summary>
    Retry,
    /// <summary>Do not deliver again; to the dead-letter topic when the subscription has one.</summary>
    Drop,
}

/// <summary>Dapr's table from the app's HTTP answer to a <see cref="DeliveryStatus"/>.</summary>
public static class DeliveryOutcome
{
    /// <summary>
    /// 2xx with an empty body, a non-JSON body, no status or <c>SUCCESS</c> → Success; <c>RETRY</c> or an unknown
    /// status → Retry; <c>DROP</c> → Drop; 404 → Drop; any other status → Retry.
    /// </summary>
    public static DeliveryStatus FromResponse(int statusCode, ReadOnlySpan<byte> body)
    {
        if (statusCode == 404) return DeliveryStatus.Drop;
        if (statusCode is < 200 or > 299) return DeliveryStatus.Retry;
        if (body.IsEmpty) return DeliveryStatus.Success;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return DeliveryStatus.Success;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isStatus = reader.ValueTextEquals("status"u8);
                reader.Read();
                if (!isStatus) { reader.Skip(); continue; }
                if (reader.TokenType != JsonTokenType.String) return DeliveryStatus.Retry;
                if (reader.ValueTextEquals("SUCCESS"u8) || reader.ValueTextEquals(""u8)) return DeliveryStatus.Success;
                if (reader.ValueTextEquals("DROP"u8)) return DeliveryStatus.Drop;
                return DeliveryStatus.Retry;
            }
            return DeliveryStatus.Success;
        }
        catch (JsonException)
        {
            return DeliveryStatus.Success;
        }
    }
}
