using Platform.Resources.Sources;

namespace Platform.Resources.Validation;

/// <summary>Rules for PingSource, ApiServerSource, SinkBinding and ContainerSource.</summary>
internal static class SourceRules
{
    public static void PingSource(PingSource source, ErrorList errors)
    {
        MetadataRules.Validate(source.Metadata, NameCheck.Dns1123Subdomain, errors);
        var spec = source.Spec ?? new PingSourceSpec();
        DestinationRules.Source(spec, "spec", errors);

        // Knative's admission parses schedule and zone together (CRON_TZ=zone schedule); so does the scheduler.
        if (!PingSchedule.TryParse(spec.Schedule, spec.Timezone, out _, out var scheduleError))
        {
            errors.Add(FieldPath.Child("spec", scheduleError.Field), scheduleError.Message);
        }

        if (!string.IsNullOrEmpty(spec.Data) && !string.IsNullOrEmpty(spec.DataBase64))
        {
            errors.Add("spec.dataBase64", "expected exactly one of data and dataBase64, got both");
        }

        if (!string.IsNullOrEmpty(spec.DataBase64))
        {
            var buffer = new byte[spec.DataBase64.Length];
            if (!Convert.TryFromBase64String(spec.DataBase64, buffer, out _))
            {
                errors.Add("spec.dataBase64", "must be base64");
            }
        }
    }

    public static void ApiServerSource(ApiServerSource source, ErrorList errors)
    {
        MetadataRules.Validate(source.Metadata, NameCheck.Dns1123Subdomain, errors);
        var spec = source.Spec ?? new ApiServerSourceSpec();
        DestinationRules.Source(spec, "spec", errors);
        if (spec.Resources is not { Count: > 0 })
        {
            errors.Add("spec.resources", "must have at least one resource");
        }

        for (var i = 0; i < (spec.Resources?.Count ?? 0); i++)
        {
            var resource = spec.Resources![i];
            var path = FieldPath.Index("spec.resources", i);
            if (string.IsNullOrEmpty(resource?.ApiVersion))
            {
                errors.Add(FieldPath.Child(path, "apiVersion"), "required");
            }

            if (string.IsNullOrEmpty(resource?.Kind))
            {
                errors.Add(FieldPath.Child(path, "kind"), "required");
            }
        }

        if (spec.Owner is { } owner)
        {
            if (string.IsNullOrEmpty(owner.ApiVersion))
            {
                errors.Add("spec.owner.apiVersion", "required");
            }

            if (string.IsNullOrEmpty(owner.Kind))
            {
                errors.Add("spec.owner.kind", "required");
            }
        }

        if (spec.Mode is not (null or "Reference" or "Resource"))
        {
            errors.Add("spec.mode", "must be Reference or Resource");
        }
    }

    public static void SinkBinding(SinkBinding binding, ErrorList errors)
    {
        MetadataRules.Validate(binding.Metadata, NameCheck.Dns1123Subdomain, errors);
        var spec = binding.Spec ?? new SinkBindingSpec();
        DestinationRules.Source(spec, "spec", errors);
        if (spec.Subject is not { } subject)
        {
            errors.Add("spec.subject", "required");
            return;
        }

        if (string.IsNullOrEmpty(subject.ApiVersion))
        {
            errors.Add("spec.subject.apiVersion", "required");
        }

        if (string.IsNullOrEmpty(subject.Kind))
        {
            errors.Add("spec.subject.kind", "required");
        }

        if (string.IsNullOrEmpty(subject.Name) == (subject.Selector is null))
        {
            errors.Add("spec.subject", "must set exactly one of name or selector");
        }
    }

    public static void ContainerSource(ContainerSource source, ErrorList errors)
    {
        MetadataRules.Validate(source.Metadata, NameCheck.Dns1123Subdomain, errors);
        var spec = source.Spec ?? new ContainerSourceSpec();
        DestinationRules.Source(spec, "spec", errors);
        if (spec.Template?.Spec is not { } pod)
        {
            errors.Add("spec.template.spec", "required");
            return;
        }

        var containers = pod.Containers ?? [];
        if (containers.Count == 0)
        {
            errors.Add("spec.template.spec.containers", "must have at least one container");
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            if (string.IsNullOrWhiteSpace(container?.Image) && container?.Command is not { Count: > 0 })
            {
                errors.Add(FieldPath.Child(FieldPath.Index("spec.template.spec.containers", i), "image"), "image or command is required");
            }
        }

    }
}
