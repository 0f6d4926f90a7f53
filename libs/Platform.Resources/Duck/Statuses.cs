using Platform.Resources.Meta;

namespace Platform.Resources.Duck;

/// <summary>Status of an addressable resource: <c>address</c> and <c>addresses</c>.</summary>
public class AddressableStatus : KnativeStatus
{
    /// <summary>The main address.</summary>
    public Addressable? Address { get; set; }

    /// <summary>Every address (http and https).</summary>
    public List<Addressable>? Addresses { get; set; }
}

/// <summary>Status of a source: resolved sink and the attributes of the events it emits.</summary>
public class SourceStatus : KnativeStatus
{
    /// <summary>The resolved sink.</summary>
    public string? SinkUri { get; set; }

    /// <summary>CA certificates of the sink.</summary>
    public string? SinkCACerts { get; set; }

    /// <summary>OIDC audience of the sink.</summary>
    public string? SinkAudience { get; set; }

    /// <summary>Types and sources of emitted events.</summary>
    public List<CloudEventAttributes>? CeAttributes { get; set; }
}
