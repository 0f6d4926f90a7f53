using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
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
        var env = workload.Env.Select(e => Env(e.Name, e.Value)).ToList();
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
            ReadinessProbe = Probe(workload),
        };
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
                        Containers = [container],
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
        var scaleDownPercent = (int)Math.Floor(100 - (100 / Math.Max(1, options.MaxScaleDownRate)));
        var scaleUpPercent = (int)Math.Ceiling((options.MaxScaleUpRate - 1) * 100);
        return new JsonObject
        {
            ["apiVersion"] = KedaApiVersion,
            ["kind"] = "ScaledObject",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "Deployment",
                    ["name"] = DeploymentName(workload.Revision),
                },
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
                        ["scalerAddress"] = options.ScalerAddress,
                        ["revision"] = workload.Revision.Name,
                        ["namespace"] = workload.Revision.Namespace,
                    },
                }),
            },
        };
    }

    private static JsonObject Behavior(int stabilizationWindowSeconds, int percent) => new()
    {
        ["stabilizationWindowSeconds"] = stabilizationWindowSeconds,
        ["selectPolicy"] = "Max",
        ["policies"] = new JsonArray(new JsonObject { ["type"] = "Percent", ["value"] = percent, ["periodSeconds"] = 1 }),
    };

    private static V1Probe Probe(RevisionWorkload workload)
    {
        var check = workload.Readiness;
        IntOrString port = check.Port ?? workload.ContainerPort;
        var probe = new V1Probe
        {
            InitialDelaySeconds = check.InitialDelaySeconds > 0 ? check.InitialDelaySeconds : null,
            // Kubernetes needs periodSeconds >= 1; Knative's 0 (aggressive) is done by its queue-proxy, which we do not run.
            PeriodSeconds = Math.Max(1, check.PeriodSeconds),
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

    private static Dictionary<string, string>? Annotations(RevisionWorkload workload) =>
        workload.Annotations.Count > 0 ? new Dictionary<string, string>(workload.Annotations, StringComparer.Ordinal) : null;

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
