namespace Platform.Eventing.Filters.Filters;

/// <summary>
/// One entry of a Trigger's <c>spec.filters</c> (Knative's SubscriptionsAPIFilter): exactly one dialect is set.
/// </summary>
public sealed record SubscriptionsApiFilter
{
    /// <summary>Attribute name → value that must match exactly.</summary>
    public Dictionary<string, string>? Exact { get; init; }

    /// <summary>Attribute name → required prefix.</summary>
    public Dictionary<string, string>? Prefix { get; init; }

    /// <summary>Attribute name → required suffix.</summary>
    public Dictionary<string, string>? Suffix { get; init; }

    /// <summary>Every nested filter must match.</summary>
    public List<SubscriptionsApiFilter>? All { get; init; }

    /// <summary>At least one nested filter must match.</summary>
    public List<SubscriptionsApiFilter>? Any { get; init; }

    /// <summary>The nested filter must not match.</summary>
    public SubscriptionsApiFilter? Not { get; init; }

    /// <summary>A CloudEvents SQL expression that must evaluate to true.</summary>
    public string? Cesql { get; init; }
}
