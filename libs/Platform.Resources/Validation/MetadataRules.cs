using Platform.Resources.Autoscaling;
using Platform.Resources.Meta;

namespace Platform.Resources.Validation;

/// <summary>How an object's name is checked.</summary>
internal enum NameCheck
{
    Dns1035Label,
    Dns1123Subdomain,
    DomainName,
}

internal sealed class ErrorList : List<FieldError>
{
    public void Add(string path, string message) => Add(new FieldError(path, message));
}

/// <summary>Rules on <c>metadata</c>: name, generateName, namespace, labels, annotations.</summary>
internal static class MetadataRules
{
    public static void Validate(ObjectMeta? meta, NameCheck rule, ErrorList errors, string path = "metadata")
    {
        if (meta is null)
        {
            errors.Add(path, "required");
            return;
        }

        var namePath = FieldPath.Child(path, "name");
        if (string.IsNullOrEmpty(meta.Name) && string.IsNullOrEmpty(meta.GenerateName))
        {
            errors.Add(namePath, "name or generateName is required");
        }

        if (!string.IsNullOrEmpty(meta.Name))
        {
            CheckName(meta.Name, rule, namePath, errors);
        }

        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            // The server appends a random suffix: only the prefix's characters matter.
            var prefix = meta.GenerateName.TrimEnd('-');
            if (prefix.Length > 0)
            {
                CheckName(prefix.Length > 58 ? prefix[..58] : prefix, rule == NameCheck.DomainName ? NameCheck.Dns1123Subdomain : rule, FieldPath.Child(path, "generateName"), errors);
            }
        }

        if (!string.IsNullOrEmpty(meta.Namespace) && !Names.IsDns1123Label(meta.Namespace))
        {
            errors.Add(FieldPath.Child(path, "namespace"), Names.Dns1123LabelMessage);
        }

        Labels(meta.Labels, FieldPath.Child(path, "labels"), errors);
        if (meta.Annotations is not null)
        {
            foreach (var key in meta.Annotations.Keys)
            {
                if (Names.CheckQualifiedName(key) is { } problem)
                {
                    errors.Add(FieldPath.Key(FieldPath.Child(path, "annotations"), key), problem);
                }
            }
        }
    }

    public static void CheckName(string name, NameCheck rule, string path, ErrorList errors)
    {
        switch (rule)
        {
            case NameCheck.Dns1035Label when name.Length > 63:
                errors.Add(path, "must be no more than 63 characters");
                break;
            case NameCheck.Dns1035Label when !Names.IsDns1035Label(name):
                errors.Add(path, Names.Dns1035Message);
                break;
            case NameCheck.Dns1123Subdomain when name.Length > 253:
                errors.Add(path, "must be no more than 253 characters");
                break;
            case NameCheck.Dns1123Subdomain when !Names.IsDns1123Subdomain(name):
                errors.Add(path, Names.Dns1123SubdomainMessage);
                break;
            case NameCheck.DomainName when !Names.IsDomainName(name):
                errors.Add(path, "must be a fully qualified domain name (e.g. app.example.com)");
                break;
        }
    }

    public static void Labels(Dictionary<string, string>? labels, string path, ErrorList errors)
    {
        if (labels is null)
        {
            return;
        }

        foreach (var (key, value) in labels)
        {
            var keyPath = FieldPath.Key(path, key);
            if (Names.CheckQualifiedName(key) is { } keyProblem)
            {
                errors.Add(keyPath, keyProblem);
            }
            else if (Names.CheckLabelValue(value ?? "") is { } valueProblem)
            {
                errors.Add(keyPath, valueProblem);
            }
            else if (key == AutoscalingAnnotations.VisibilityLabel && value != AutoscalingAnnotations.ClusterLocal)
            {
                errors.Add(keyPath, $"must be {AutoscalingAnnotations.ClusterLocal}");
            }
        }
    }

    /// <summary>Autoscaling annotations belong on the revision template; at the top of a Service they would do nothing.</summary>
    public static void NoAutoscalingAnnotations(ObjectMeta? meta, ErrorList errors)
    {
        foreach (var key in meta?.Annotations?.Keys ?? Enumerable.Empty<string>())
        {
            if (AutoscalingAnnotations.IsAutoscaling(key))
            {
                errors.Add(FieldPath.Key("metadata.annotations", key), "autoscaling annotations must be put under spec.template.metadata.annotations to work");
            }
        }
    }
}
