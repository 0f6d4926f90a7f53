using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Kubernetes;

namespace Platform.ServingController.Cluster;

/// <summary>
/// What the serving-controller checks in a cluster before it reconciles (Kubernetes mode): that the CRDs of the
/// Serving kinds are installed and are Platform's (a Knative installation owning <c>services.serving.knative.dev</c>
/// is refused: two controllers must not reconcile the same objects), and whether KEDA and Dapr are there. Anything
/// wrong is logged naming the CRD and what to install, again every <see cref="Recheck"/>, and the reconcilers wait:
/// no crash, no restart loop.
/// </summary>
internal sealed partial class ClusterPreflight(ClusterCrds crds, TimeProvider time, ILogger<ClusterPreflight> log)
{
    /// <summary>How often a failed check runs again.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    /// <summary>The kinds the reconcilers read and write.</summary>
    public static readonly IReadOnlyList<ResourceKind> ServingKinds =
        [ResourceKinds.Service, ResourceKinds.Configuration, ResourceKinds.Revision, ResourceKinds.Route, ResourceKinds.PodAutoscaler];

    /// <summary>The problems found by the last check (empty once the reconcilers may run).</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <summary>Returns once every Serving CRD is installed and ours; logs what is not, at each check.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var reported = false;
        while (true)
        {
            var problems = new List<string>();
            foreach (var kind in ServingKinds)
            {
                var (presence, detail) = await crds.CheckAsync(kind.Resource, ClusterCrds.PlatformOwner, cancellationToken).ConfigureAwait(false);
                switch (presence)
                {
                    case CrdPresence.Missing:
                        problems.Add($"{detail}: install the chart deploy/helm/platform (or kubectl apply -f deploy/helm/platform/crds)");
                        break;
                    case CrdPresence.Foreign:
                        problems.Add($"{detail}: Platform and Knative cannot both own {kind.Group}; uninstall Knative Serving or use another cluster");
                        break;
                    case CrdPresence.Forbidden or CrdPresence.Unknown:
                        problems.Add(detail);
                        break;
                }
            }

            Problems = problems;
            if (problems.Count == 0)
            {
                if (!reported) await ReportOptionalAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            foreach (var problem in problems) LogProblem(problem);
            reported = false;
            await Task.Delay(Recheck, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // KEDA and Dapr do not stop the reconcilers: each revision then reports it in its status.
    private async Task ReportOptionalAsync(CancellationToken cancellationToken)
    {
        var (keda, kedaDetail) = await crds.CheckAsync(ClusterCrds.KedaScaledObjects, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (keda != CrdPresence.Installed) LogOptional("KEDA", kedaDetail, "revisions report KedaNotInstalled and are not scaled");
        var (dapr, daprDetail) = await crds.CheckAsync(ClusterCrds.DaprComponents, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (dapr != CrdPresence.Installed) LogOptional("Dapr", daprDetail, "Platform's services have no sidecars, and revisions asking for Dapr report DaprNotInstalled");
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Error, Message = "Cluster check: {Problem}; the Serving reconcilers wait")]
    private partial void LogProblem(string problem);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Error, Message = "Cluster check: {What} is not installed ({Detail}): {Consequence}")]
    private partial void LogOptional(string what, string detail, string consequence);
}
