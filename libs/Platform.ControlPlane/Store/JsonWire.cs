using System.Text.Json;

namespace Platform.ControlPlane.Store;

/// <summary>How the control plane writes JSON: compact, no needless escaping of quotes and '&lt;'.</summary>
public static class JsonWire
{
    /// <summary>Serializer options for every object and Status written.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
