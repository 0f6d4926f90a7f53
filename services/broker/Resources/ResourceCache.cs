namespace Platform.Broker.Resources;

/// <summary>
/// The broker's view of the eventing kinds, kept current by <see cref="ResourceWatcher"/>. The reconciler waits for
/// <see cref="Platform.Resources.Caching.ResourceCache.IsSynced"/>: before every kind is listed a plan could see a
/// Broker without its Triggers and acknowledge events that nobody was routed to.
/// </summary>
internal sealed class ResourceCache() : Platform.Resources.Caching.ResourceCache(EventingKinds.All);
