using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.Route.Builders;

/// <summary>
/// The Route's status: URL and address, traffic as resolved (kept from before while the new traffic cannot be
/// assigned, as Knative does), AllTrafficAssigned, IngressReady (the activator took the table),
/// CertificateProvisioned (no TLS locally) and Ready = all three.
/// </summary>
internal static class RouteStatusBuilder
{
    /// <summary>Reason of CertificateProvisioned when TLS is not used.</summary>
    public const string TlsNotEnabled = "TLSNotEnabled";

    /// <summary>Reason of IngressReady while the activator has not taken the table.</summary>
    public const string IngressNotConfigured = "IngressNotConfigured";

    /// <summary>Computes the status; <paramref name="ingressError"/> is null once the activator took the route table.</summary>
    public static RouteStatus Build(ServingRoute route, ResolvedTraffic resolved, bool ingressProgrammed, string? ingressError,
        RouteStatus? previous, RouteDomainOptions domain, DateTimeOffset now)
    {
        var status = new RouteStatus
        {
            ObservedGeneration = route.Metadata.Generation,
            Conditions = previous?.Conditions?.ToList(),
            Url = TrafficResolver.Url(route, domain),
            Address = new Addressable { Url = TrafficResolver.Address(route) },
            Traffic = resolved.Traffic?.ToList() ?? previous?.Traffic,
        };
        if (resolved.Problem is { } problem)
            status.SetCondition(ConditionTypes.AllTrafficAssigned, problem.Status, now, problem.Reason, problem.Message);
        else
            status.SetCondition(ConditionTypes.AllTrafficAssigned, ConditionStatus.True, now);

        if (ingressProgrammed)
            status.SetCondition(ConditionTypes.IngressReady, ConditionStatus.True, now);
        else
            status.SetCondition(ConditionTypes.IngressReady, ConditionStatus.Unknown, now, IngressNotConfigured,
                ingressError ?? "Waiting for the traffic to be assigned.");
        status.SetCondition(ConditionTypes.CertificateProvisioned, ConditionStatus.True, now, TlsNotEnabled,
            "TLS is not enabled for this route.");

        var all = status.GetCondition(ConditionTypes.AllTrafficAssigned)!;
        var ingress = status.GetCondition(ConditionTypes.IngressReady)!;
        var worst = all.Status == ConditionStatus.False ? all : ingress.Status == ConditionStatus.False ? ingress : all.Status != ConditionStatus.True ? all : ingress;
        status.SetCondition(ConditionTypes.Ready, worst.Status!, now,
            worst.Status == ConditionStatus.True ? null : worst.Reason, worst.Status == ConditionStatus.True ? null : worst.Message);
        return status;
    }
}
