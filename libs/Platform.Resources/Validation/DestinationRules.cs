using Platform.Resources.Duck;
using Platform.Resources.Durations;

namespace Platform.Resources.Validation;

/// <summary>Rules for the duck types: Destination, KReference, DeliverySpec, SourceSpec.</summary>
internal static class DestinationRules
{
    public static void Destination(Destination? destination, string path, bool required, ErrorList errors)
    {
        if (destination is null)
        {
            if (required)
            {
                errors.Add(path, "required");
            }

            return;
        }

        Destination(destination.Ref, destination.Uri, path, errors);
    }

    public static void Destination(KReference? reference, string? uri, string path, ErrorList errors)
    {
        var hasUri = !string.IsNullOrEmpty(uri);
        if (reference is null && !hasUri)
        {
            errors.Add(path, "must set ref or uri");
            return;
        }

        if (reference is not null)
        {
            Reference(reference, FieldPath.Child(path, "ref"), errors);
        }

        if (!hasUri)
        {
            return;
        }

        var uriPath = FieldPath.Child(path, "uri");
        var absolute = Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && !uri!.StartsWith('/');
        if (reference is not null)
        {
            if (absolute)
            {
                errors.Add(uriPath, "must be a relative URI when ref is set");
            }
            else if (!Uri.TryCreate(uri, UriKind.Relative, out _))
            {
                errors.Add(uriPath, "must be a valid relative URI");
            }
        }
        else if (!absolute)
        {
            errors.Add(uriPath, "must be an absolute http or https URI");
        }
    }

    public static void Reference(KReference reference, string path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(reference.Kind))
        {
            errors.Add(FieldPath.Child(path, "kind"), "required");
        }

        if (string.IsNullOrEmpty(reference.Name))
        {
            errors.Add(FieldPath.Child(path, "name"), "required");
        }

        if (string.IsNullOrEmpty(reference.ApiVersion) && string.IsNullOrEmpty(reference.Group))
        {
            errors.Add(FieldPath.Child(path, "apiVersion"), "required");
        }
        else if (!string.IsNullOrEmpty(reference.ApiVersion) && !string.IsNullOrEmpty(reference.Group))
        {
            errors.Add(path, "must not set both apiVersion and group");
        }

        if (!string.IsNullOrEmpty(reference.Namespace) && !Names.IsDns1123Label(reference.Namespace))
        {
            errors.Add(FieldPath.Child(path, "namespace"), Names.Dns1123LabelMessage);
        }
    }

    public static void Delivery(DeliverySpec? delivery, string path, ErrorList errors)
    {
        if (delivery is null)
        {
            return;
        }

        Destination(delivery.DeadLetterSink, FieldPath.Child(path, "deadLetterSink"), required: false, errors);
        if (delivery.Retry is < 0)
        {
            errors.Add(FieldPath.Child(path, "retry"), "must be >= 0");
        }

        if (delivery.BackoffPolicy is not (null or BackoffPolicies.Linear or BackoffPolicies.Exponential))
        {
            errors.Add(FieldPath.Child(path, "backoffPolicy"), "must be linear or exponential");
        }

        Duration(delivery.BackoffDelay, FieldPath.Child(path, "backoffDelay"), errors);
        Duration(delivery.Timeout, FieldPath.Child(path, "timeout"), errors);
        Duration(delivery.RetryAfterMax, FieldPath.Child(path, "retryAfterMax"), errors);
        if (delivery.Format is not (null or "json" or "binary"))
        {
            errors.Add(FieldPath.Child(path, "format"), "must be json or binary");
        }
    }

    public static void Source(SourceSpec spec, string path, ErrorList errors)
    {
        Destination(spec.Sink, FieldPath.Child(path, "sink"), required: true, errors);
        foreach (var key in spec.CeOverrides?.Extensions?.Keys ?? Enumerable.Empty<string>())
        {
            if (!CloudEventNames.IsAttributeName(key))
            {
                errors.Add(FieldPath.Key(FieldPath.Child(path, "ceOverrides.extensions"), key), CloudEventNames.Message);
            }
            else if (CloudEventNames.IsReserved(key))
            {
                errors.Add(FieldPath.Key(FieldPath.Child(path, "ceOverrides.extensions"), key), $"{key} is a reserved attribute");
            }
        }
    }

    private static void Duration(string? value, string path, ErrorList errors)
    {
        if (value is null)
        {
            return;
        }

        if (!IsoDuration.TryParse(value, out var duration))
        {
            errors.Add(path, "must be an ISO-8601 duration (e.g. PT0.2S)");
        }
        else if (duration < TimeSpan.Zero)
        {
            errors.Add(path, "must not be negative");
        }
    }
}

/// <summary>CloudEvents attribute naming rules.</summary>
internal static class CloudEventNames
{
    public const string Message = "attribute names must be lowercase letters and digits";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time", "data", "data_base64",
    };

    public static bool IsAttributeName(string name) => name.Length is > 0 and <= 256 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9');

    public static bool IsReserved(string name) => Reserved.Contains(name);
}
