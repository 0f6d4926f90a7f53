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

    /// <summary>
    /// The outcome of each entry of a bulk delivery, in the order of <paramref name="entryIds"/>. 404 → every entry
    /// Drop; another non-2xx → every entry Retry. A 2xx whose body has a <c>statuses</c> array: each entry's
    /// <c>status</c> as in <see cref="FromResponse"/> (SUCCESS, DROP, RETRY or unknown → Retry), and an entry the app
    /// does not mention → Retry, as Dapr documents. A 2xx without a <c>statuses</c> array (empty, not JSON) → every
    /// entry Success, the same rule as for one event.
    /// </summary>
    public static DeliveryStatus[] FromBulkResponse(int statusCode, ReadOnlySpan<byte> body, IReadOnlyList<string> entryIds)
    {
        var result = new DeliveryStatus[entryIds.Count];
        if (statusCode is < 200 or > 299)
        {
            Array.Fill(result, statusCode == 404 ? DeliveryStatus.Drop : DeliveryStatus.Retry);
            return result;
        }
        Dictionary<string, DeliveryStatus>? statuses = null;
        try
        {
            if (!body.IsEmpty) statuses = ReadStatuses(body);
        }
        catch (JsonException)
        {
            statuses = null;
        }
        for (var i = 0; i < result.Length; i++)
            result[i] = statuses is null ? DeliveryStatus.Success : statuses.GetValueOrDefault(entryIds[i], DeliveryStatus.Retry);
        return result;
    }

    // {"statuses":[{"entryId":"…","status":"SUCCESS"},…]}: null when there is no statuses array.
    private static Dictionary<string, DeliveryStatus>? ReadStatuses(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isStatuses = reader.ValueTextEquals("statuses"u8);
            reader.Read();
            if (!isStatuses || reader.TokenType != JsonTokenType.StartArray) { reader.Skip(); continue; }
            var statuses = new Dictionary<string, DeliveryStatus>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string? id = null;
                var status = DeliveryStatus.Retry;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("entryId"u8))
                    {
                        reader.Read();
                        id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("status"u8))
                    {
                        reader.Read();
                        status = reader.TokenType != JsonTokenType.String ? DeliveryStatus.Retry
                            : reader.ValueTextEquals("SUCCESS"u8) ? DeliveryStatus.Success
                            : reader.ValueTextEquals("DROP"u8) ? DeliveryStatus.Drop
                            : DeliveryStatus.Retry;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                if (id is not null) statuses[id] = status;
            }
            return statuses;
        }
        return null;
    }
}
