using Platform.Resources.Autoscaling;
using Platform.Resources.Serving;

namespace Platform.Resources.Validation;

/// <summary>Rules for Service, Configuration, Revision and Route: revision spec, template, traffic, autoscaling (the pod's containers, volumes, env and probes are <see cref="PodSpecRules"/>).</summary>
internal sealed class ServingRules(ValidationOptions options)
{
    private readonly PodSpecRules _pod = new(options);

    public void Service(Service service, ErrorList errors)
    {
        MetadataRules.Validate(service.Metadata, NameCheck.Dns1035Label, errors);
        MetadataRules.NoAutoscalingAnnotations(service.Metadata, errors);
        Template(service.Spec?.Template, service.Metadata?.Name, "spec.template", errors);
        Traffic(service.Spec?.Traffic, isService: true, service.Metadata?.Name, "spec.traffic", errors);
    }

    public void Configuration(Configuration configuration, ErrorList errors)
    {
        MetadataRules.Validate(configuration.Metadata, NameCheck.Dns1035Label, errors);
        MetadataRules.NoAutoscalingAnnotations(configuration.Metadata, errors);
        Template(configuration.Spec?.Template, configuration.Metadata?.Name, "spec.template", errors);
    }

    public void Revision(Revision revision, ErrorList errors)
    {
        MetadataRules.Validate(revision.Metadata, NameCheck.Dns1035Label, errors);
        var autoscaling = AutoscalingAnnotations.Parse(revision.Metadata?.Annotations, "metadata.annotations", options.AllowZeroInitialScale, errors);
        RevisionSpec(revision.Spec, "spec", errors);
        HpaClass(autoscaling, revision.Spec, "metadata.annotations", "spec", errors);
    }

    /// <summary>
    /// What the HPA class needs to measure (no silent fallback to concurrency): metric <c>cpu</c> (its default) is a
    /// utilization of the container's CPU request, so the request is required; metric <c>memory</c> has no default
    /// target (MiB per replica).
    /// </summary>
    private static void HpaClass(AutoscalingSettings settings, RevisionSpec? spec, string annotationsPath, string specPath, ErrorList errors)
    {
        if (settings.Class != AutoscalingAnnotations.HpaClass) return;
        var metric = settings.Metric ?? "cpu";
        if (metric is "concurrency" or "rps")
        {
            errors.Add(FieldPath.Key(annotationsPath, AutoscalingAnnotations.Metric), $"{metric} requires class {AutoscalingAnnotations.KpaClass}; the HPA class scales on cpu or memory");
            return;
        }
        if (metric == "memory" && settings.Target is null)
            errors.Add(FieldPath.Key(annotationsPath, AutoscalingAnnotations.Target), "required with metric memory: MiB per replica");
        var container = spec?.Containers is { Count: > 0 } containers ? containers[0] : null;
        if (metric == "cpu" && container is not null && container.Resources?.Requests?.GetValueOrDefault("cpu") is not { } cpu)
            errors.Add(FieldPath.Child(FieldPath.Index(FieldPath.Child(specPath, "containers"), 0), "resources.requests.cpu"),
                $"required with class {AutoscalingAnnotations.HpaClass} and metric cpu: CPU utilization is measured against the request");
    }

    public void Route(Route route, ErrorList errors)
    {
        MetadataRules.Validate(route.Metadata, NameCheck.Dns1035Label, errors);
        Traffic(route.Spec?.Traffic, isService: false, route.Metadata?.Name, "spec.traffic", errors);
    }

    public static void DomainMapping(DomainMapping mapping, ErrorList errors)
    {
        MetadataRules.Validate(mapping.Metadata, NameCheck.DomainName, errors);
        var reference = mapping.Spec?.Ref;
        if (reference is null)
        {
            errors.Add("spec.ref", "required");
            return;
        }

        DestinationRules.Reference(reference, "spec.ref", errors);
        var ns = mapping.Metadata?.Namespace;
        if (!string.IsNullOrEmpty(reference.Namespace) && !string.IsNullOrEmpty(ns) && reference.Namespace != ns)
        {
            errors.Add("spec.ref.namespace", $"must be the DomainMapping's namespace \"{ns}\"");
        }
    }

    private void Template(RevisionTemplateSpec? template, string? parentName, string path, ErrorList errors)
    {
        if (template is null)
        {
            errors.Add(path, "required");
            return;
        }

        var metaPath = FieldPath.Child(path, "metadata");
        if (template.Metadata is { } meta)
        {
            if (!string.IsNullOrEmpty(meta.Name))
            {
                var namePath = FieldPath.Child(metaPath, "name");
                MetadataRules.CheckName(meta.Name, NameCheck.Dns1035Label, namePath, errors);
                if (!string.IsNullOrEmpty(parentName) && !meta.Name.StartsWith(parentName + "-", StringComparison.Ordinal))
                {
                    errors.Add(namePath, $"must start with \"{parentName}-\"");
                }
            }

            if (!string.IsNullOrEmpty(meta.GenerateName))
            {
                errors.Add(FieldPath.Child(metaPath, "generateName"), "must not be set: revision names come from the parent");
            }

            MetadataRules.Labels(meta.Labels, FieldPath.Child(metaPath, "labels"), errors);
            var autoscaling = AutoscalingAnnotations.Parse(meta.Annotations, FieldPath.Child(metaPath, "annotations"), options.AllowZeroInitialScale, errors);
            HpaClass(autoscaling, template.Spec, FieldPath.Child(metaPath, "annotations"), FieldPath.Child(path, "spec"), errors);
        }

        RevisionSpec(template.Spec, FieldPath.Child(path, "spec"), errors);
    }

    public void RevisionSpec(RevisionSpec? spec, string path, ErrorList errors)
    {
        if (spec is null)
        {
            errors.Add(path, "required");
            return;
        }

        Range(spec.ContainerConcurrency, 0, options.MaxContainerConcurrency, FieldPath.Child(path, "containerConcurrency"), errors);
        Range(spec.TimeoutSeconds, 0, options.MaxRevisionTimeoutSeconds, FieldPath.Child(path, "timeoutSeconds"), errors);
        Range(spec.ResponseStartTimeoutSeconds, 0, options.MaxRevisionTimeoutSeconds, FieldPath.Child(path, "responseStartTimeoutSeconds"), errors);
        Range(spec.IdleTimeoutSeconds, 0, options.MaxRevisionTimeoutSeconds, FieldPath.Child(path, "idleTimeoutSeconds"), errors);

        var volumes = PodSpecRules.Volumes(spec.Volumes, FieldPath.Child(path, "volumes"), errors);
        var containersPath = FieldPath.Child(path, "containers");
        var containers = spec.Containers ?? [];
        if (containers.Count == 0)
        {
            errors.Add(containersPath, "exactly one container is required");
        }
        else if (containers.Count > 1)
        {
            var withPorts = containers.Count(c => c?.Ports is { Count: > 0 });
            if (withPorts != 1)
            {
                errors.Add(containersPath, $"exactly one container must declare a port when there is more than one container (found {withPorts})");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            _pod.Container(containers[i], FieldPath.Index(containersPath, i), volumes, names, errors);
        }

        var initPath = FieldPath.Child(path, "initContainers");
        for (var i = 0; i < (spec.InitContainers?.Count ?? 0); i++)
        {
            _pod.Container(spec.InitContainers![i], FieldPath.Index(initPath, i), volumes, names, errors);
        }
    }

    public static void Traffic(List<TrafficTarget>? traffic, bool isService, string? ownerName, string path, ErrorList errors)
    {
        if (traffic is null || traffic.Count == 0)
        {
            return;
        }

        long sum = 0;
        var tags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < traffic.Count; i++)
        {
            var target = traffic[i];
            var targetPath = FieldPath.Index(path, i);
            if (target is null)
            {
                errors.Add(targetPath, "required");
                continue;
            }

            if (target.Percent is long percent)
            {
                if (percent is < 0 or > 100)
                {
                    errors.Add(FieldPath.Child(targetPath, "percent"), "must be between 0 and 100");
                }

                sum += percent;
            }

            if (target.Url is not null)
            {
                errors.Add(FieldPath.Child(targetPath, "url"), "must not be set (status only)");
            }

            var hasRevision = !string.IsNullOrEmpty(target.RevisionName);
            var hasConfiguration = !string.IsNullOrEmpty(target.ConfigurationName);
            if (isService)
            {
                if (hasConfiguration)
                {
                    errors.Add(FieldPath.Child(targetPath, "configurationName"), "must not be set in a Service (use latestRevision: true)");
                }

                if (!hasRevision && target.LatestRevision == false)
                {
                    errors.Add(FieldPath.Child(targetPath, "revisionName"), "required when latestRevision is false");
                }
            }
            else
            {
                if (hasRevision == hasConfiguration)
                {
                    errors.Add(targetPath, "must set exactly one of revisionName or configurationName");
                }

                if (hasConfiguration && target.LatestRevision == false)
                {
                    errors.Add(FieldPath.Child(targetPath, "latestRevision"), "must not be false when configurationName is set");
                }
            }

            if (hasRevision && target.LatestRevision == true)
            {
                errors.Add(FieldPath.Child(targetPath, "latestRevision"), "must not be true when revisionName is set");
            }

            if (hasRevision)
            {
                MetadataRules.CheckName(target.RevisionName!, NameCheck.Dns1035Label, FieldPath.Child(targetPath, "revisionName"), errors);
            }

            if (target.Tag is { } tag)
            {
                var tagPath = FieldPath.Child(targetPath, "tag");
                if (!Names.IsDns1035Label(tag))
                {
                    errors.Add(tagPath, Names.Dns1035Message);
                }
                else if (!tags.Add(tag))
                {
                    errors.Add(tagPath, $"duplicate tag \"{tag}\"");
                }
                else if (!string.IsNullOrEmpty(ownerName) && tag.Length + 1 + ownerName.Length > 63)
                {
                    errors.Add(tagPath, $"\"{tag}-{ownerName}\" must be no more than 63 characters");
                }
            }
        }

        if (sum != 100)
        {
            errors.Add(path, $"percents sum to {sum}, want 100");
        }
    }

    private static void Range(long? value, long min, long max, string path, ErrorList errors)
    {
        if (value is long v && (v < min || v > max))
        {
            errors.Add(path, $"must be between {min} and {max}");
        }
    }
}
