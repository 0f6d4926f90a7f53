using Microsoft.Extensions.Logging;
using Platform.Sidecar.Actors.Hosting;
using Platform.Sidecar.Actors.Invocation;

namespace Platform.Sidecar.Actors.Activation;

/// <summary>
/// Deactivates actors that were not called for their type's <c>actorIdleTimeout</c>: in the actor's turn it stops
/// the actor's timers and sends <c>DELETE /actors/{type}/{id}</c> to the app. Busy actors are left for the next scan.
/// </summary>
internal sealed class IdleDeactivation(ActorTable table, AppChannel app, ActorConfigSource config, ILogger<IdleDeactivation> logger)
{
    /// <summary>One scan; returns how many actors were deactivated.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var activation in table.All)
        {
            var idleTimeout = config.Current.For(activation.Key.Type).IdleTimeout;
            if (activation.Pending > 0 || activation.IdleFor < idleTimeout) continue;
            if (!activation.Turn.TryEnter(out var turn)) continue;
            using (turn)
            {
                if (activation.Pending > 0) continue;
                await DeactivateAsync(activation, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }
        return count;
    }

    /// <summary>Deactivates <paramref name="activation"/>; the caller holds its turn.</summary>
    private async Task DeactivateAsync(ActorActivation activation, CancellationToken cancellationToken)
    {
        activation.Deactivated = true;
        activation.StopTimers();
        try
        {
            await app.DeactivateAsync(activation.Key, cancellationToken).ConfigureAwait(false);
            ActorLog.Deactivated(logger, activation.Key.Type, activation.Key.Id);
        }
        catch (HttpRequestException e)
        {
            ActorLog.DeactivationFailed(logger, activation.Key.Type, activation.Key.Id, e);
        }
        finally
        {
            table.Remove(activation);
        }
    }
}
