using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Configuration.Builders;

/// <summary>
/// The Configuration's status from its latest created revision: <c>latestCreatedRevisionName</c> is the current
/// generation's revision; <c>latestReadyRevisionName</c> moves to it once it is Ready and otherwise stays where it
/// was; Ready follows the latest created revision (False with <c>RevisionFailed</c> when it failed).
/// </summary>
internal static class ConfigurationStatusBuilder
{
    /// <summary>Reason of a Configuration whose latest revision failed.</summary>
    public const string RevisionFailed = "RevisionFailed";

    /// <summary>
    /// Computes the status. <paramref name="latest"/> is the current generation's revision (null while it is not
    /// created); <paramref name="error"/> is a reason and message that stop the revision from being stamped.
    /// </summary>
    public static ConfigurationStatus Build(ServingConfiguration configuration, ServingRevision? latest, ConfigurationStatus? previous, DateTimeOffset now, (string Reason, string Message)? error = null)
    {
        var status = new ConfigurationStatus
        {
            ObservedGeneration = configuration.Metadata.Generation,
            Conditions = previous?.Conditions?.ToList(),
            LatestReadyRevisionName = previous?.LatestReadyRevisionName,
            LatestCreatedRevisionName = previous?.LatestCreatedRevisionName,
        };
        if (error is { } e)
        {
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, e.Reason, e.Message);
            return status;
        }

        if (latest is null)
        {
            status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, now, "Deploying", "Creating the revision.");
            return status;
        }

        status.LatestCreatedRevisionName = latest.Metadata.Name;
        var ready = latest.Status?.GetCondition(ConditionTypes.Ready);
        switch (ready?.Status)
        {
            case ConditionStatus.True:
                status.LatestReadyRevisionName = latest.Metadata.Name;
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.True, now);
                break;
            case ConditionStatus.False:
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.False, now, RevisionFailed,
                    $"Revision \"{latest.Metadata.Name}\" failed with message: {ready.Message}.");
                break;
            default:
                status.SetCondition(ConditionTypes.Ready, ConditionStatus.Unknown, now, ready?.Reason ?? "Deploying",
                    ready?.Message ?? $"Waiting for revision \"{latest.Metadata.Name}\" to become ready.");
                break;
        }

        return status;
    }
}
