using System.Collections.Concurrent;
using Platform.Activator.Activation;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Throttling;

/// <summary>One <see cref="RevisionThrottler"/> per revision in the route table, kept in step with it.</summary>
internal sealed partial class RevisionThrottlers(ActivatorOptions options, IRevisionActivationHook hook, ILogger<RevisionThrottlers> logger)
    : Stats.IServedRevisions
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), RevisionThrottler> _throttlers = new();

    /// <summary>The throttler of a revision, or null when the table does not name it.</summary>
    public RevisionThrottler? Find(string @namespace, string name) => _throttlers.GetValueOrDefault((@namespace, name));

    /// <summary>All throttlers, for diagnostics.</summary>
    public IEnumerable<RevisionThrottler> All => _throttlers.Values;

    /// <inheritdoc />
    public IEnumerable<(string Namespace, string Name)> WithReplicas() =>
        _throttlers.Values.Where(t => t.State.Replicas > 0).Select(t => (t.Namespace, t.Name));

    /// <summary>Creates, updates and retires throttlers so that they match <paramref name="table"/>.</summary>
    public void Sync(RouteTable table)
    {
        var wanted = new HashSet<(string, string)>();
        foreach (var r in table.Revisions ?? [])
        {
            var key = (r.Namespace!, r.Name!);
            wanted.Add(key);
            var t = _throttlers.GetOrAdd(key, k => new RevisionThrottler(k.Item1, k.Item2, r.ContainerConcurrency,
                options.QueueDepthPerConcurrency, options.UnlimitedQueueDepth, Random.Shared.Next, Poke));
            t.Configuration = r.Configuration;
            t.Update(r.ContainerConcurrency, TimeoutsOf(r), r.Endpoints ?? [], r.Failure, r.Mode);
        }
        foreach (var key in _throttlers.Keys)
            if (!wanted.Contains(key) && _throttlers.TryRemove(key, out var gone))
                gone.Retire();
    }

    /// <summary>The revision's timeouts, with the activator's default when it gives no <c>timeoutSeconds</c>.</summary>
    public RevisionTimeouts TimeoutsOf(RevisionRoute revision) => RevisionTimeouts.Of(revision, options.DefaultTimeoutSeconds);

    private void Poke(RevisionThrottler throttler)
    {
        LogPoke(throttler.Namespace, throttler.Name);
        _ = PokeAsync(throttler.Namespace, throttler.Name);
    }

    private async Task PokeAsync(string ns, string name)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await hook.PokeAsync(ns, name, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogPokeFailed(ns, name, e.Message);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Revision {Namespace}/{Revision} has no ready replica: holding requests and poking the autoscaler")]
    private partial void LogPoke(string @namespace, string revision);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Poke of revision {Namespace}/{Revision} failed: {Reason}")]
    private partial void LogPokeFailed(string @namespace, string revision, string reason);
}
