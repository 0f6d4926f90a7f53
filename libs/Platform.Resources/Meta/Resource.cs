using System.Text.Json.Serialization;

namespace Platform.Resources.Meta;

/// <summary>
/// Any resource of the model: <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>. Concrete kinds derive from
/// <see cref="Resource{TSpec, TStatus}"/>; <see cref="Serialization.ResourceTypes"/> maps apiVersion+kind to the type.
/// </summary>
public abstract class Resource
{
    /// <summary>Creates a resource carrying its own apiVersion and kind.</summary>
    protected Resource(string apiVersion, string kind)
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    /// <summary>Group/version, e.g. <c>serving.knative.dev/v1</c>.</summary>
    [JsonPropertyOrder(-4)]
    public string ApiVersion { get; set; }

    /// <summary>Kind, e.g. <c>Service</c>.</summary>
    [JsonPropertyOrder(-3)]
    public string Kind { get; set; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyOrder(-2)]
    public ObjectMeta Metadata
    {
        get => _metadata;
        set => _metadata = value ?? new ObjectMeta(); // `metadata: null` in a document means "none given".
    }

    private ObjectMeta _metadata = new();

    /// <summary>The spec, untyped (null for kinds without one).</summary>
    [JsonIgnore]
    public abstract object? SpecObject { get; }

    /// <summary>The Knative status block, or null when none was reported yet.</summary>
    [JsonIgnore]
    public abstract KnativeStatus? StatusObject { get; }

    /// <summary><c>namespace/name</c>, the way log lines name resources.</summary>
    public override string ToString() => $"{Kind} {Metadata.Namespace ?? "default"}/{Metadata.Name ?? Metadata.GenerateName + "*"}";
}

/// <summary>A resource with a typed <c>spec</c> and <c>status</c>.</summary>
public abstract class Resource<TSpec, TStatus> : Resource
    where TSpec : class, new()
    where TStatus : KnativeStatus
{
    /// <summary>Creates a resource carrying its own apiVersion and kind.</summary>
    protected Resource(string apiVersion, string kind) : base(apiVersion, kind)
    {
    }

    /// <summary>Desired state.</summary>
    [JsonPropertyOrder(-1)]
    public TSpec Spec
    {
        get => _spec;
        set => _spec = value ?? new TSpec(); // `spec: null` in a document means "none given".
    }

    private TSpec _spec = new();

    /// <summary>Observed state, written by controllers through the status subresource.</summary>
    [JsonPropertyOrder(1)]
    public TStatus? Status { get; set; }

    /// <inheritdoc />
    [JsonIgnore]
    public override object? SpecObject => Spec;

    /// <inheritdoc />
    [JsonIgnore]
    public override KnativeStatus? StatusObject => Status;
}
