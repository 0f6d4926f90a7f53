using Platform.Resources.Caching;

namespace Platform.Sources.Resources;

/// <summary>
/// The sources service's view of the control plane, kept current by <see cref="ResourceWatcher"/>: the source kinds
/// and the kinds a sink or a subject may name.
/// </summary>
internal sealed class SourceCache() : ResourceCache(SourceKinds.All);
