using Platform.Eventing.Addressing;
using Platform.Resources.Duck;
using Platform.Sources.Resources;

namespace Platform.Sources.Sinks;

/// <summary>Resolves a source's sink with the broker's one definition of addresses, against what the cache holds.</summary>
internal sealed class SinkResolver(Addresses addresses, SourceCache cache)
{
    /// <summary>The sink's URI, or why it does not resolve (a missing object, a kind that is not addressable, a control port).</summary>
    public Resolution Resolve(Destination? sink, string ns) => addresses.Resolve(sink, ns, cache.Exists);
}
