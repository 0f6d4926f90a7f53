using System.Text.Json.Nodes;

namespace Platform.Deploy.Tests.Helm;

/// <summary>
/// deploy/helm/platform with helm itself: lint and template for every environment's values file, and what the
/// rendered manifests must hold (Dapr annotations, least-privilege RBAC, probes, resources, non-root, components).
/// </summary>
public sealed class HelmChartTests
{
    public static TheoryData<string> Environments => [.. HelmTool.Environments];

    private static readonly string[] Services = ["serving-controller", "activator", "autoscaler", "broker", "sources"];

    [SkippableTheory]
    [MemberData(nameof(Environments))]
    public void Helm_lint_passes_with_the_environments_values(string environment)
    {
        var (code, output, error) = HelmTool.Run("lint", HelmTool.Chart, "--strict", "-f", HelmTool.ValuesFile(environment));
        Assert.True(code == 0, $"helm lint --strict {environment}: {output}{error}");
    }

    [SkippableTheory]
    [MemberData(nameof(Environments))]
    public void Every_service_runs_with_its_Dapr_sidecar_probes_resources_and_as_non_root(string environment)
    {
        var manifests = HelmTool.Render(environment);
        foreach (var name in Services)
        {
            var deployment = Single(manifests, "Deployment", name);
            var pod = deployment["spec"]!["template"]!;
            var annotations = pod["metadata"]!["annotations"]!;
            Assert.Equal("true", Str(annotations["dapr.io/enabled"]));
            Assert.Equal(name, Str(annotations["dapr.io/app-id"]));
            Assert.False(string.IsNullOrEmpty(Str(annotations["dapr.io/app-port"])));
            Assert.Equal("platform", Str(annotations["dapr.io/config"]));
            Assert.Equal("platform-dapr-api-token", Str(annotations["dapr.io/api-token-secret"]));
            Assert.True(pod["spec"]!["securityContext"]!["runAsNonRoot"]!.GetValue<bool>(), $"{name}: runAsNonRoot");
            var container = pod["spec"]!["containers"]![0]!;
            Assert.NotNull(container["readinessProbe"]);
            Assert.NotNull(container["livenessProbe"]);
            Assert.NotNull(container["resources"]!["requests"]);
            Assert.Equal("Kubernetes", Env(container, "ResourceStore__Mode"));
            Assert.Equal(name, Str(pod["spec"]!["serviceAccountName"]));
        }

        var controller = Single(manifests, "Deployment", "serving-controller")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("Kubernetes", Env(controller, "Workloads__Backend"));
        Assert.Equal("autoscaler.platform-system.svc.cluster.local:9090", Env(controller, "Workloads__Kubernetes__ScalerAddress"));
        // The activator's control port stays on loopback; its pods get no Kubernetes token.
        var activator = Single(manifests, "Deployment", "activator")["spec"]!["template"]!["spec"]!;
        Assert.False(activator["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Null(Env(activator["containers"]![0]!, "APP_HOST"));
    }

    [SkippableFact]
    public void The_KEDA_scaler_address_comes_from_values()
    {
        var manifests = HelmTool.Render("redis", "--set", "keda.scalerAddress=scaler.example:9443");
        var controller = Single(manifests, "Deployment", "serving-controller")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("scaler.example:9443", Env(controller, "Workloads__Kubernetes__ScalerAddress"));
    }

    [SkippableTheory]
    [MemberData(nameof(Environments))]
    public void Roles_grant_no_wildcards_and_only_the_activator_has_no_role(string environment)
    {
        var manifests = HelmTool.Render(environment);
        foreach (var role in manifests.Where(m => Str(m["kind"]) is "ClusterRole" or "Role"))
            foreach (var rule in role["rules"]!.AsArray())
                foreach (var field in new[] { "verbs", "resources", "apiGroups" })
                    Assert.DoesNotContain("*", rule![field]!.AsArray().Select(Str));
        var bound = manifests.Where(m => Str(m["kind"]) == "ClusterRoleBinding").SelectMany(b => b["subjects"]!.AsArray().Select(s => Str(s!["name"]))).ToHashSet();
        Assert.Equal(["autoscaler", "broker", "serving-controller", "sources"], bound.Order());
        // The autoscaler may write PodAutoscaler status and nothing else.
        var autoscaler = Single(manifests, "ClusterRole", "platform-autoscaler");
        var writes = autoscaler["rules"]!.AsArray().Where(r => r!["verbs"]!.AsArray().Select(Str).Any(v => v is "create" or "update" or "patch" or "delete"))
            .SelectMany(r => r!["resources"]!.AsArray().Select(Str));
        Assert.Equal(["podautoscalers/status"], writes);
    }

    public static TheoryData<string, string, string> Components => new()
    {
        { "redis", "pubsub", "pubsub.redis" },
        { "redis", "statestore", "state.redis" },
        { "kafka", "pubsub", "pubsub.kafka" },
        { "kafka", "statestore", "state.redis" },
        { "aws", "pubsub", "pubsub.aws.snssqs" },
        { "aws", "statestore", "state.aws.dynamodb" },
    };

    [SkippableTheory]
    [MemberData(nameof(Components))]
    public void Each_environment_renders_its_Dapr_components_scoped_to_Platforms_apps(string environment, string name, string type)
    {
        var component = Single(HelmTool.Render(environment), "Component", name);
        Assert.Equal(type, Str(component["spec"]!["type"]));
        Assert.Equal(Services.Order(), component["scopes"]!.AsArray().Select(Str).Order());
        if (name == "statestore")
            Assert.Contains(component["spec"]!["metadata"]!.AsArray(), m => Str(m!["name"]) == "actorStateStore" && Str(m["value"]) == "true");
    }

    [SkippableFact]
    public void Multi_replica_services_get_a_disruption_budget_and_the_controller_none()
    {
        var budgets = HelmTool.Render("redis").Where(m => Str(m["kind"]) == "PodDisruptionBudget").Select(m => Str(m["metadata"]!["name"])).Order();
        Assert.Equal(["activator", "autoscaler", "broker"], budgets);
    }

    [SkippableFact]
    public void The_chart_ships_the_generated_CRDs()
    {
        HelmTool.Require();
        var (code, output, error) = HelmTool.Run("show", "crds", HelmTool.Chart);
        Assert.True(code == 0, error);
        Assert.Equal(17, Platform.Resources.Serialization.YamlDocuments.Parse(output).OfType<JsonObject>().Count(d => Str(d["kind"]) == "CustomResourceDefinition"));
    }

    private static JsonObject Single(IEnumerable<JsonObject> manifests, string kind, string name) =>
        manifests.SingleOrDefault(m => Str(m["kind"]) == kind && Str(m["metadata"]?["name"]) == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} {name} rendered");

    private static string? Env(JsonNode container, string name) =>
        container["env"]?.AsArray().FirstOrDefault(e => Str(e!["name"]) == name)?["value"] is { } v ? Str(v) : null;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
}
