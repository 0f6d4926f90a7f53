using Platform.ControlPlane.Kinds;

namespace Platform.ControlPlane.Store;

/// <summary>Kubernetes' <c>Status.reason</c> values this control plane answers with.</summary>
public enum StatusReason
{
    /// <summary>400: the body is not JSON/YAML or is not an object.</summary>
    BadRequest,
    /// <summary>401: no credential, or a wrong one.</summary>
    Unauthorized,
    /// <summary>403: the credential may not do this.</summary>
    Forbidden,
    /// <summary>404: unknown kind or object.</summary>
    NotFound,
    /// <summary>409: create of a name that exists.</summary>
    AlreadyExists,
    /// <summary>409: resourceVersion precondition failed.</summary>
    Conflict,
    /// <summary>410: watch from a resourceVersion older than the retained history.</summary>
    Gone,
    /// <summary>413: body over the size limit.</summary>
    RequestEntityTooLarge,
    /// <summary>405: method not served on that path.</summary>
    MethodNotAllowed,
    /// <summary>406: Accept names no format we write.</summary>
    NotAcceptable,
    /// <summary>415: Content-Type we cannot read.</summary>
    UnsupportedMediaType,
    /// <summary>422: the object fails validation; one cause per field.</summary>
    Invalid,
    /// <summary>500: a broken invariant.</summary>
    InternalError,
    /// <summary>503: the state store could not be written.</summary>
    ServiceUnavailable,
}

/// <summary>One entry of <c>Status.details.causes</c>.</summary>
/// <param name="Reason">Kubernetes cause type, e.g. <c>FieldValueInvalid</c>, <c>FieldValueRequired</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Field">Path of the field, e.g. <c>spec.traffic[1].percent</c>.</param>
public sealed record StatusCause(string Reason, string Message, string? Field)
{
    /// <summary><c>field: message</c>, or the message alone when it already names the field (apply's per-document causes).</summary>
    public override string ToString()
    {
        if (string.IsNullOrEmpty(Field)) return Message;
        var bare = Field.StartsWith('[') && Field.IndexOf("].", StringComparison.Ordinal) is var end and > 0 ? Field[(end + 2)..] : Field;
        return Message.Contains(bare + ":", StringComparison.Ordinal) ? Message : $"{Field}: {Message}";
    }
}

/// <summary>
/// An expected failure of a resource operation, the content of a Kubernetes <c>Status</c> with
/// <c>status: Failure</c>. Returned as a value by the catalog and carried by <see cref="ResourceException"/> in
/// the <see cref="IResourceStore"/> clients.
/// </summary>
/// <param name="Reason">The reason; decides the HTTP code.</param>
/// <param name="Message">Human-readable message.</param>
/// <param name="Name">The object's name, when one is concerned.</param>
/// <param name="Group">The kind's group, when one is concerned.</param>
/// <param name="Kind">Plural (NotFound, AlreadyExists, Conflict) or kind (Invalid), as Kubernetes fills <c>details.kind</c>.</param>
/// <param name="Causes">Field causes (Invalid).</param>
public sealed record ResourceError(
    StatusReason Reason,
    string Message,
    string? Name = null,
    string? Group = null,
    string? Kind = null,
    IReadOnlyList<StatusCause>? Causes = null)
{
    /// <summary>The HTTP status code of <see cref="Reason"/>.</summary>
    public int Code => CodeOf(Reason);

    /// <summary>The HTTP status code Kubernetes uses for a reason.</summary>
    public static int CodeOf(StatusReason reason) => reason switch
    {
        StatusReason.BadRequest => 400,
        StatusReason.Unauthorized => 401,
        StatusReason.Forbidden => 403,
        StatusReason.NotFound => 404,
        StatusReason.MethodNotAllowed => 405,
        StatusReason.NotAcceptable => 406,
        StatusReason.AlreadyExists or StatusReason.Conflict => 409,
        StatusReason.Gone => 410,
        StatusReason.RequestEntityTooLarge => 413,
        StatusReason.UnsupportedMediaType => 415,
        StatusReason.Invalid => 422,
        StatusReason.ServiceUnavailable => 503,
        _ => 500,
    };

    /// <summary>The reason for an HTTP code (used by clients reading a Status without a known reason).</summary>
    public static StatusReason ReasonOf(int code) => code switch
    {
        400 => StatusReason.BadRequest,
        401 => StatusReason.Unauthorized,
        403 => StatusReason.Forbidden,
        404 => StatusReason.NotFound,
        405 => StatusReason.MethodNotAllowed,
        406 => StatusReason.NotAcceptable,
        409 => StatusReason.Conflict,
        410 => StatusReason.Gone,
        413 => StatusReason.RequestEntityTooLarge,
        415 => StatusReason.UnsupportedMediaType,
        422 => StatusReason.Invalid,
        503 => StatusReason.ServiceUnavailable,
        _ => StatusReason.InternalError,
    };

    /// <summary>404 for an object: <c>services.serving.knative.dev "hello" not found</c>.</summary>
    public static ResourceError NotFound(ResourceKind kind, string name) =>
        new(StatusReason.NotFound, $"{kind.Resource} \"{name}\" not found", name, kind.Group, kind.Plural);

    /// <summary>409 for a create of an existing name.</summary>
    public static ResourceError AlreadyExists(ResourceKind kind, string name) =>
        new(StatusReason.AlreadyExists, $"{kind.Resource} \"{name}\" already exists", name, kind.Group, kind.Plural);

    /// <summary>409 for a stale resourceVersion.</summary>
    public static ResourceError Conflict(ResourceKind kind, string name) =>
        new(StatusReason.Conflict,
            $"Operation cannot be fulfilled on {kind.Resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            name, kind.Group, kind.Plural);

    /// <summary>422 with one cause per field error.</summary>
    public static ResourceError Invalid(ResourceKind kind, string name, IReadOnlyList<StatusCause> causes) =>
        new(StatusReason.Invalid,
            $"{kind.Kind}.{kind.Group} \"{name}\" is invalid: {string.Join(", ", causes.Select(c => c.Field is null ? c.Message : $"{c.Field}: {c.Message}"))}",
            name, kind.Group, kind.Kind, causes);

    /// <summary>400 with a message.</summary>
    public static ResourceError BadRequest(string message) => new(StatusReason.BadRequest, message);
}

/// <summary>A resource operation failed with a Kubernetes <c>Status</c>; <see cref="Error"/> says why.</summary>
public sealed class ResourceException(ResourceError error) : Exception(error.Message)
{
    /// <summary>The failure.</summary>
    public ResourceError Error { get; } = error;

    /// <summary>Shortcut for <c>Error.Reason</c>, for <c>catch (ResourceException e) when (e.Reason == ...)</c>.</summary>
    public StatusReason Reason => Error.Reason;

    /// <summary>The HTTP code of the failure.</summary>
    public int Code => Error.Code;
}
