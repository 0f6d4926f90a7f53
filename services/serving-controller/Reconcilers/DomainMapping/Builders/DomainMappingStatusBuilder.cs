using Platform.Resources.Duck;
using Platform.Resources.Meta;
using Platform.Resources.Serving;

namespace Platform.ServingController.Reconcilers.DomainMapping.Builders;

/// <summary>
/// The DomainMapping's status, as Knative's: <c>url</c> and <c>address.url</c> <c>http://{domain}</c>;
/// DomainClaimed, ReferenceResolved, CertificateProvisioned (no TLS locally), IngressReady (the activator routes the
/// domain) and Ready = all of them.
/// </summary>
internal static class DomainMappingStatusBuilder
{
    /// <summary>Computes the status.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="claimed">True when this namespace owns the domain.</param>
    /// <param name="claimOwner">The namespace that does, when another one.</param>
    /// <param name="target">What the reference resolved to.</param>
    /// <param name="routed">True when the activator took a table that routes the domain.</param>
    /// <param name="ingressMessage">Why it does not route it yet, when it does not.</param>
    /// <param name="previous">The status before (its conditions keep their transition times).</param>
    /// <param name="now">Condition time.</param>
    public static DomainMappingStatus Build(ServingDomainMapping mapping, bool claimed, string? claimOwner, DomainTarget target,
        bool routed, string? ingressMessage, DomainMappingStatus? previous, DateTimeOffset now)
    {
        var url = $"http://{mapping.Metadata.Name}";
        var status = new DomainMappingStatus
        {
            ObservedGeneration = mapping.Metadata.Generation,
            Conditions = previous?.Conditions?.ToList(),
            Url = url,
            Address = new Addressable { Url = url },
        };
        if (claimed)
            status.SetCondition(ConditionTypes.DomainClaimed, ConditionStatus.True, now);
        else
            status.SetCondition(ConditionTypes.DomainClaimed, ConditionStatus.False, now, "DomainAlreadyClaimed",
                $"The domain {mapping.Metadata.Name} is already claimed by a DomainMapping in namespace \"{claimOwner}\".");
        if (target.Resolved)
            status.SetCondition(ConditionTypes.ReferenceResolved, ConditionStatus.True, now);
        else
            status.SetCondition(ConditionTypes.ReferenceResolved, ConditionStatus.False, now, target.Reason, target.Message);
        status.SetCondition(ConditionTypes.CertificateProvisioned, ConditionStatus.True, now, "TLSNotEnabled",
            "TLS is not enabled for this domain.");
        if (routed)
            status.SetCondition(ConditionTypes.IngressReady, ConditionStatus.True, now);
        else
            status.SetCondition(ConditionTypes.IngressReady, ConditionStatus.Unknown, now, "IngressNotConfigured",
                ingressMessage ?? "Waiting for the target to be routed.");

        var worst = new[] { ConditionTypes.DomainClaimed, ConditionTypes.ReferenceResolved, ConditionTypes.IngressReady }
            .Select(t => status.GetCondition(t)!)
            .OrderBy(c => c.Status == ConditionStatus.False ? 0 : c.Status == ConditionStatus.Unknown ? 1 : 2)
            .First();
        status.SetCondition(ConditionTypes.Ready, worst.Status!, now,
            worst.Status == ConditionStatus.True ? null : worst.Reason, worst.Status == ConditionStatus.True ? null : worst.Message);
        return status;
    }
}
