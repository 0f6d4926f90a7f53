using System.Text.Json.Nodes;
using Platform.Resources.Defaulting;
using Platform.Resources.Duck;
using Platform.Resources.Eventing;
using Platform.Resources.Messaging;
using Platform.Resources.Serving;
using Platform.Resources.Sources;
using Platform.Resources.Validation;

namespace Platform.Resources.Crds;

/// <summary>
/// What a CRD schema adds to a field's type: the rules our admission enforces that a schema can say (ranges, enums,
/// required fields) and the constant defaults our defaulter fills in. A cluster runs no admission webhook of ours,
/// so these are what the Kubernetes API itself checks. Values come from <see cref="ValidationOptions"/> and
/// <see cref="DefaultsOptions"/>, so the local API and the CRDs cannot drift apart.
/// </summary>
/// <param name="Minimum">Inclusive minimum.</param>
/// <param name="Maximum">Inclusive maximum.</param>
/// <param name="Enum">Allowed values.</param>
/// <param name="Default">Default the API server fills in.</param>
/// <param name="Required">The field must be present in its object.</param>
internal sealed record CrdFieldRules(long? Minimum = null, long? Maximum = null, IReadOnlyList<string>? Enum = null, JsonNode? Default = null, bool Required = false)
{
    private static readonly ValidationOptions Validation = new();
    private static readonly DefaultsOptions Defaults = new();

    private static readonly Dictionary<(Type, string), CrdFieldRules> Table = new()
    {
        [(typeof(RevisionSpec), "containerConcurrency")] = new(0, Validation.MaxContainerConcurrency, Default: Defaults.ContainerConcurrency),
        [(typeof(RevisionSpec), "timeoutSeconds")] = new(0, Validation.MaxRevisionTimeoutSeconds, Default: Defaults.RevisionTimeoutSeconds),
        [(typeof(RevisionSpec), "responseStartTimeoutSeconds")] = new(0, Validation.MaxRevisionTimeoutSeconds),
        [(typeof(RevisionSpec), "idleTimeoutSeconds")] = new(0, Validation.MaxRevisionTimeoutSeconds),
        [(typeof(TrafficTarget), "percent")] = new(0, 100),
        [(typeof(DeliverySpec), "retry")] = new(0),
        [(typeof(DeliverySpec), "backoffPolicy")] = new(Enum: ["exponential", "linear"]),
        [(typeof(DeliverySpec), "format")] = new(Enum: ["json", "binary"]),
        [(typeof(TriggerSpec), "broker")] = new(Default: Defaults.TriggerBroker),
        [(typeof(TriggerSpec), "subscriber")] = new(Required: true),
        [(typeof(SubscriptionSpec), "channel")] = new(Required: true),
        [(typeof(ApiServerSourceSpec), "mode")] = new(Enum: ["Reference", "Resource"]),
        [(typeof(ApiServerSourceSpec), "resources")] = new(Required: true),
        [(typeof(DomainMappingSpec), "ref")] = new(Required: true),
    };

    /// <summary>The rules of <paramref name="declaringType"/>'s property <paramref name="jsonName"/>, or null.</summary>
    public static CrdFieldRules? For(Type declaringType, string jsonName) =>
        Table.GetValueOrDefault((declaringType, jsonName));

    /// <summary>Adds the rules to <paramref name="schema"/>.</summary>
    public void ApplyTo(JsonObject schema)
    {
        if (Minimum is { } min) schema["minimum"] = min;
        if (Maximum is { } max) schema["maximum"] = max;
        if (Enum is { } values) schema["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
        if (Default is { } value) schema["default"] = value.DeepClone();
    }
}
