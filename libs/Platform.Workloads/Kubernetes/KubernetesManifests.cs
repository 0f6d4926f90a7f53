using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Platform.Resources.Autoscaling;
using Platform.Resources.Validation;
using Platform.Serving.Contracts.Revisions;

namespace Platform.Workloads.Kubernetes;

/// <summary>The objects Platform applies for one revision in Kubernetes mode.</summary>
/// <param name="Deployment">The revision's replicas.</param>
/// <param name="Service">The revision's cluster address.</param>
/// <param name="ScaledObject">KEDA's <c>keda.sh/v1alpha1</c> ScaledObject, scaling the Deployment through Platform's external-push scaler.</param>
internal sealed record KubernetesManifestSet(V1Deployment Deployment, V1Service Service, JsonObject ScaledObject)
{
    /// <summary>The three objects as JSON, in the order they should be applied.</summary>
    public IReadOnlyList<JsonObject> ToJson() =>
    [
        JsonNode.Parse(KubernetesJson.Serialize(Deployment))!.AsObject(),
        JsonNode.Parse(KubernetesJson.Serialize(Service))!.AsObject(),
        (JsonObject)ScaledObject.DeepClone(),
    ];
}

/// <summary>The manifests of a revision, or why it cannot run in Kubernetes.</summary>
/// <param name="Manifests">The manifests; null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">What is missing, with field paths.</param>
internal sealed record KubernetesManifestBuild(KubernetesManifestSet? Manifests, IReadOnlyList<FieldError> Errors);

/// <summary>
/// Pure builders of the Kubernetes objects for a <see cref="RevisionWorkload"/>: a Deployment (user container with
/// the runtime contract env and the readiness probe), a Service, and a KEDA ScaledObject with an
/// <c>external-push</c> trigger pointing at Platform's autoscaler.
/// </summary>
internal static class KubernetesManifests
{
    /// <summary>KEDA's API version.</summary>
    public const string KedaApiVersion = "keda.sh/v1alpha1";

    /// <summary>Builds all three objects; a workload without image cannot run in a cluster.</summary>
    public static KubernetesManifestBuild Build(RevisionWorkload workload, KubernetesWorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(options);
        if (workload.Image is null)
        {
            return new KubernetesManifestBuild(null, [new FieldError("spec.containers[0].image", "required in Kubernetes mode: a cluster runs images, not local commands")]);
        }

        return new KubernetesManifestBuild(new KubernetesManifestSet(Deployment(workload, options), Service(workload, options), ScaledObject(workload, options)), []);
    }

    /// <summary>The Deployment's name: <c>{revision}-deployment</c>, as Knative names it.</summary>
    public static string DeploymentName(RevisionKey revision) => revision.Name + "-deployment";

    /// <summary>The revision's Deployment.</summary>
    public static V1Deployment Deployment(RevisionWorkload workload, KubernetesWorkloadOptions options)
    {
        var labels = Labels(workload);
        var env = workload.Env.Select(EnvOf).ToList();
        env.Add(Env(ServingLabels.PortEnv, workload.ContainerPort.ToString(CultureInfo.InvariantCulture)));
        env.Add(Env(ServingLabels.RevisionEnv, workload.Revision.Name));
        env.Add(Env(ServingLabels.ConfigurationEnv, workload.Configuration));
        env.Add(Env(ServingLabels.ServiceEnv, workload.Service));
        var container = new V1Container
        {
            Name = workload.ContainerName,
            Image = workload.Image,
            Command = workload.Command.Count > 0 ? [.. workload.Command] : null,
            Args = workload.Args.Count > 0 ? [.. workload.Args] : null,
            WorkingDir = workload.WorkingDir,
            Env = env,
            Ports = [new V1ContainerPort { ContainerPort = workload.ContainerPort, Name = workload.PortName == "h2c" ? "h2c" : "user-port", Protocol = "TCP" }],
            ReadinessProbe = Probe(workload.Readiness, workload.ContainerPort, readiness: true),
            LivenessProbe = workload.Liveness is { } liveness ? Probe(liveness, workload.ContainerPort, readiness: false) : null,
            StartupProbe = workload.Startup is { } startup ? Probe(startup, workload.ContainerPort, readiness: false) : null,
            EnvFrom = EnvFromOf(workload.EnvFrom),
            // Requests are what the scheduler places by, and what an HPA-class revision's CPU utilization is measured against.
            Resources = ResourcesOf(workload.Requests, workload.Limits),
        };
        var containers = new List<V1Container> { container };
        containers.AddRange(workload.Sidecars.Select(s => new V1Container
        {
            Name = s.Name,
            Image = s.Image,
            Command = s.Command.Count > 0 ? [.. s.Command] : null,
            Args = s.Args.Count > 0 ? [.. s.Args] : null,
            WorkingDir = s.WorkingDir,
            Env = s.Env.Count > 0 ? [.. s.Env.Select(EnvOf)] : null,
            EnvFrom = EnvFromOf(s.EnvFrom),
            Resources = ResourcesOf(s.Requests, s.Limits),
        }));
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(DeploymentName(workload.Revision), workload, labels),
            Spec = new V1DeploymentSpec
            {
                Replicas = workload.InitialScale,
                Selector = new V1LabelSelector { MatchLabels = Selector(workload) },
                ProgressDeadlineSeconds = options.ProgressDeadlineSeconds,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = Annotations(workload) },
                    Spec = new V1PodSpec
                    {
                        Containers = containers,
                        EnableServiceLinks = false,
                        // Knative lets a stopping pod finish its longest request.
                        TerminationGracePeriodSeconds = workload.TerminationGracePeriodSeconds ?? workload.TimeoutSeconds,
                    },
                },
            },
        };
    }

    /// <summary>The revision's Service: port <see cref="KubernetesWorkloadOptions.ServicePort"/> to the user port of its pods.</summary>
    public static V1Service Service(RevisionWorkload workload, KubernetesWorkloadOptions options)
    {
        var h2c = workload.PortName == "h2c";
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(workload.Revision.Name, workload, Labels(workload)),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = Selector(workload),
                Ports =
                [
                    new V1ServicePort
                    {
                        Name = h2c ? "http2" : "http",
                        Port = options.ServicePort,
                        TargetPort = workload.ContainerPort,
                        Protocol = "TCP",
                        AppProtocol = h2c ? "kubernetes.io/h2c" : null,
                    },
                ],
            },
        };
    }

    /// <summary>The KEDA ScaledObject driving the Deployment through Platform's external-push scaler.</summary>
    public static JsonObject ScaledObject(RevisionWorkload workload, KubernetesWorkloadOptions options)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in Labels(workload))
        {
            labels[key] = value;
        }

        var metadata = new JsonObject
        {
            ["name"] = workload.Revision.Name,
            ["namespace"] = workload.Revision.Namespace,
            ["labels"] = labels,
        };
        if (workload.Uid is { } uid)
        {
            metadata["ownerReferences"] = new JsonArray(OwnerJson(workload.Revision.Name, uid));
        }

        var max = workload.MaxScale > 0 ? workload.MaxScale : Math.Max(options.DefaultMaxReplicas, workload.MinScale);
        var autoscaling = AutoscalingSettings.FromAnnotations(workload.Annotations);
        if (autoscaling.IsHpaClass)
        {
            return HpaScaledObject(workload, metadata, autoscaling, max, options);
        }

        var scaleDownPercent = (int)Math.Floor(100 - (100 / Math.Max(1, options.MaxScaleDownRate)));
        var scaleUpPercent = (int)Math.Ceiling((options.MaxScaleUpRate - 1) * 100);
        return new JsonObject
        {
            ["apiVersion"] = KedaApiVersion,
            ["kind"] = "ScaledObject",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = ScaleTargetRef(workload),
                ["pollingInterval"] = options.PollingIntervalSeconds,
                ["cooldownPeriod"] = options.CooldownPeriodSeconds,
                ["minReplicaCount"] = workload.MinScale,
                ["maxReplicaCount"] = max,
                ["advanced"] = new JsonObject
                {
                    ["restoreToOriginalReplicaCount"] = false,
                    ["horizontalPodAutoscalerConfig"] = new JsonObject
                    {
                        ["name"] = workload.Revision.Name,
                        // The decider already smooths over its windows: the HPA must not add its own delay, only
                        // Knative's rate limits (max-scale-up-rate, max-scale-down-rate).
                        ["behavior"] = new JsonObject
                        {
                            ["scaleUp"] = Behavior(0, scaleUpPercent),
                            ["scaleDown"] = Behavior(0, Math.Max(1, scaleDownPercent)),
                        },
                    },
                },
                ["triggers"] = new JsonArray(new JsonObject
                {
                    ["type"] = "external-push",
                    ["metricType"] = "AverageValue",
                    ["metadata"] = new JsonObject
                    {
                        ["scalerAddress"] = options.EffectiveScalerAddress,
                        ["revision"] = workload.Revision.Name,
                        ["namespace"] = workload.Revision.Namespace,
                    },
                }),
            },
        };
    }

    /// <summary>
    /// The HPA class (<c>hpa.autoscaling.knative.dev</c>): KEDA's <c>cpu</c> trigger on utilization of the request
    /// (default 80 %, Kubernetes') or its <c>memory</c> trigger on MiB per replica, as Knative's HPA reconciler builds
    /// its HPA; never the external-push scaler (no fallback to concurrency). KEDA cannot scale these to zero, so at least
    /// one replica runs, and the HPA's own scale-down stabilization applies.
    /// </summary>
    private static JsonObject HpaScaledObject(RevisionWorkload workload, JsonObject metadata, AutoscalingSettings autoscaling, int max, KubernetesWorkloadOptions options)
    {
        var memory = autoscaling.Metric == "memory";
        var target = autoscaling.Target ?? 80;
        var trigger = new JsonObject
        {
            ["type"] = memory ? "memory" : "cpu",
            ["metricType"] = memory ? "AverageValue" : "Utilization",
            ["metadata"] = new JsonObject
            {
                ["value"] = memory
                    ? ((long)Math.Ceiling(target)).ToString(CultureInfo.InvariantCulture) + "Mi"
                    : ((int)Math.Ceiling(target)).ToString(CultureInfo.InvariantCulture),
            },
        };
        return new JsonObject
        {
            ["apiVersion"] = KedaApiVersion,
            ["kind"] = "ScaledObject",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = ScaleTargetRef(workload),
                ["pollingInterval"] = options.PollingIntervalSeconds,
                ["minReplicaCount"] = Math.Max(1, workload.MinScale),
                ["maxReplicaCount"] = Math.Max(max, 1),
                ["triggers"] = new JsonArray(trigger),
            },
        };
    }

    // What KEDA scales: the revision's Deployment.
    private static JsonObject ScaleTargetRef(RevisionWorkload workload) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["name"] = DeploymentName(workload.Revision),
    };

    // A literal value, or a ConfigMap or Secret key that Kubernetes reads when it starts the pod.
    private static V1EnvVar EnvOf(EnvironmentVariable variable) => variable.From is not { } from
        ? Env(variable.Name, variable.Value)
        : new V1EnvVar
        {
            Name = variable.Name,
            ValueFrom = from.Kind == EnvironmentReference.ConfigMap
                ? new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = from.Name, Key = from.Key, Optional = from.Optional ? true : null } }
                : new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = from.Name, Key = from.Key, Optional = from.Optional ? true : null } },
        };

    private static List<V1EnvFromSource>? EnvFromOf(IReadOnlyList<EnvironmentReference> imports) => imports.Count == 0 ? null :
        [.. imports.Select(i => new V1EnvFromSource
        {
            Prefix = i.Prefix,
            ConfigMapRef = i.Kind == EnvironmentReference.ConfigMap ? new V1ConfigMapEnvSource { Name = i.Name, Optional = i.Optional ? true : null } : null,
            SecretRef = i.Kind == EnvironmentReference.Secret ? new V1SecretEnvSource { Name = i.Name, Optional = i.Optional ? true : null } : null,
        })];

    private static V1ResourceRequirements? ResourcesOf(IReadOnlyDictionary<string, string> requests, IReadOnlyDictionary<string, string> limits) =>
        requests.Count + limits.Count == 0 ? null : new V1ResourceRequirements
        {
            Requests = requests.Count == 0 ? null : requests.ToDictionary(r => r.Key, r => new ResourceQuantity(r.Value)),
            Limits = limits.Count == 0 ? null : limits.ToDictionary(r => r.Key, r => new ResourceQuantity(r.Value)),
        };

    private static JsonObject Behavior(int stabilizationWindowSeconds, int percent) => new()
    {
        ["stabilizationWindowSeconds"] = stabilizationWindowSeconds,
        ["selectPolicy"] = "Max",
        ["policies"] = new JsonArray(new JsonObject { ["type"] = "Percent", ["value"] = percent, ["periodSeconds"] = 1 }),
    };

    private static V1Probe Probe(ProbeCheck check, int containerPort, bool readiness)
    {
        IntOrString port = check.Port ?? containerPort;
        var probe = new V1Probe
        {
            InitialDelaySeconds = check.InitialDelaySeconds > 0 ? check.InitialDelaySeconds : null,
            // Kubernetes needs periodSeconds >= 1; Knative's 0 (aggressive readiness) is done by its queue-proxy, which we
            // do not run. Liveness and startup probes without a period take Kubernetes' default (10 s).
            PeriodSeconds = readiness ? Math.Max(1, check.PeriodSeconds) : check.PeriodSeconds > 0 ? check.PeriodSeconds : null,
            TimeoutSeconds = check.TimeoutSeconds,
            FailureThreshold = check.FailureThreshold,
            SuccessThreshold = check.SuccessThreshold,
        };
        if (check.Kind == ProbeKind.Http)
        {
            probe.HttpGet = new V1HTTPGetAction
            {
                Path = check.Path,
                Port = port,
                Scheme = check.Scheme,
                HttpHeaders = check.Headers.Count > 0 ? check.Headers.Select(h => new V1HTTPHeader { Name = h.Key, Value = h.Value }).ToList() : null,
            };
        }
        else if (check.Kind == ProbeKind.Exec)
        {
            probe.Exec = new V1ExecAction { Command = [.. check.Command] };
        }
        else if (check.Kind == ProbeKind.Grpc)
        {
            probe.Grpc = new V1GRPCAction { Port = check.Port ?? containerPort, Service = check.GrpcService.Length > 0 ? check.GrpcService : null };
        }
        else
        {
            probe.TcpSocket = new V1TCPSocketAction { Port = port };
        }

        return probe;
    }

    private static Dictionary<string, string> Labels(RevisionWorkload workload)
    {
        var labels = new Dictionary<string, string>(workload.Labels, StringComparer.Ordinal)
        {
            [ServingLabels.Revision] = workload.Revision.Name,
        };
        if (workload.Service.Length > 0)
        {
            labels[ServingLabels.Service] = workload.Service;
        }

        if (workload.Configuration.Length > 0)
        {
            labels[ServingLabels.Configuration] = workload.Configuration;
        }

        if (workload.Uid is { } uid)
        {
            labels[ServingLabels.RevisionUid] = uid;
        }

        return labels;
    }

    private static Dictionary<string, string> Selector(RevisionWorkload workload) => new(StringComparer.Ordinal)
    {
        [ServingLabels.Revision] = workload.Revision.Name,
    };

    /// <summary>Annotation asking Dapr's injector for a sidecar.</summary>
    public const string DaprEnabled = "dapr.io/enabled";

    /// <summary>True when the revision asks for a Dapr sidecar (<c>dapr.io/enabled: "true"</c> on its template).</summary>
    public static bool DaprRequested(RevisionWorkload workload) =>
        workload.Annotations.TryGetValue(DaprEnabled, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    // The revision's annotations go to its pods (Knative's autoscaling annotations, and Dapr's, which its injector
    // reads there). A revision that asks for Dapr gets the app-id of its Service and its container port unless it names them.
    private static Dictionary<string, string>? Annotations(RevisionWorkload workload)
    {
        var annotations = new Dictionary<string, string>(workload.Annotations, StringComparer.Ordinal);
        if (DaprRequested(workload))
        {
            annotations.TryAdd("dapr.io/app-id", workload.Service.Length > 0 ? workload.Service : workload.Configuration.Length > 0 ? workload.Configuration : workload.Revision.Name);
            annotations.TryAdd("dapr.io/app-port", workload.ContainerPort.ToString(CultureInfo.InvariantCulture));
        }

        return annotations.Count > 0 ? annotations : null;
    }

    private static V1ObjectMeta Metadata(string name, RevisionWorkload workload, Dictionary<string, string> labels) => new()
    {
        Name = name,
        NamespaceProperty = workload.Revision.Namespace,
        Labels = labels,
        OwnerReferences = workload.Uid is { } uid
            ? [new V1OwnerReference { ApiVersion = "serving.knative.dev/v1", Kind = "Revision", Name = workload.Revision.Name, Uid = uid, BlockOwnerDeletion = true, Controller = true }]
            : null,
    };

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static JsonObject OwnerJson(string name, string uid) => new()
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Revision",
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
