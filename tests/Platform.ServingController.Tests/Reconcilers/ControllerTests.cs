using System.Text.Json.Nodes;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Persistence;
using Platform.ControlPlane.Store;

namespace Platform.ServingController.Tests.Reconcilers;

/// <summary>
/// The reconcilers in the real app (API on a test server, in-memory persistence, the local process backend), without
/// activator or autoscaler (unreachable: routes stay IngressReady=Unknown, which these tests do not need).
/// </summary>
public sealed class ControllerTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Serving:Wiring:Reconcile"] = "true",
        ["Serving:Wiring:ActivatorUrl"] = "http://127.0.0.1:1", // nothing listens: pushes fail fast
    };

    // A replica that runs but never listens: the revision stays Deploying, which is all naming needs.
    private static JsonObject Hello(string target) => new()
    {
        ["apiVersion"] = "serving.knative.dev/v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = "hello", ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["command"] = new JsonArray("sleep"),
                        ["args"] = new JsonArray("30"),
                        ["env"] = new JsonArray(new JsonObject { ["name"] = "TARGET", ["value"] = target }),
                    }),
                },
            },
        },
    };

    [Fact]
    public async Task Service_gets_owned_children_and_a_revision_per_template_change_and_a_restart_converges_without_duplicates()
    {
        var persistence = new InMemoryResourcePersistence();
        await using (var host = new ApiHost(persistence, Settings))
        {
            var service = await host.Store.CreateAsync(ApiHost.Service, Hello("World"));
            await Until(host, async () => await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001") is not null, "hello-00001 created");
            // The Service's Route is created beside its Configuration, not necessarily before the revision.
            await Until(host, async () => await host.Store.GetAsync(ApiHost.Route, "default", "hello") is not null, "the route created");
            var configuration = (await host.Store.GetAsync(ApiHost.Configuration, "default", "hello"))!;
            var route = (await host.Store.GetAsync(ApiHost.Route, "default", "hello"))!;
            Assert.Equal(service.Uid(), configuration.Metadata()!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
            Assert.Equal(service.Uid(), route.Metadata()!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
            var revision = (await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001"))!;
            Assert.Equal(configuration.Uid(), revision.Metadata()!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
            Assert.Equal("hello", revision.Labels()["serving.knative.dev/service"]);

            // The Service's status reflects its children; the route has its URL.
            await Until(host, async () => (await host.Store.GetAsync(ApiHost.Service, "default", "hello"))!["status"]?["latestCreatedRevisionName"]?.GetValue<string>() == "hello-00001", "status.latestCreatedRevisionName");
            await Until(host, async () => (await host.Store.GetAsync(ApiHost.Route, "default", "hello"))!["status"]?["url"]?.GetValue<string>() == "http://hello.default.localhost:8080", "route url");

            // A template change: a new revision named from the Configuration's generation.
            // The controller writes the Service's status concurrently, so a stale read gets 409: read again and retry,
            // as any Kubernetes client does.
            for (var attempt = 1; ; attempt++)
            {
                var current = (await host.Store.GetAsync(ApiHost.Service, "default", "hello"))!;
                current["spec"] = Hello("Knative")["spec"]!.DeepClone();
                try
                {
                    await host.Store.UpdateAsync(ApiHost.Service, current);
                    break;
                }
                catch (ResourceException e) when (e.Reason == StatusReason.Conflict && attempt < 10)
                {
                }
            }
            await Until(host, async () => await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00002") is not null, "hello-00002 created");

            // Routing state, as Knative labels it (no replica gets ready here, so no route sends traffic): the newest
            // revision is pending, the one it replaced is in reserve since now, the time GC reads as its last activity.
            await Until(host, async () => RoutingState(await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001")) == "reserve", "hello-00001 in reserve");
            await Until(host, async () => RoutingState(await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00002")) == "pending", "hello-00002 pending");
            var reserve = (await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001"))!;
            var modified = DateTimeOffset.Parse(reserve.Metadata()!["annotations"]!["serving.knative.dev/routingStateModified"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(modified, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));
        }

        // A restarted controller over the same state converges on the same objects, creating nothing new.
        await using (var host = new ApiHost(persistence, Settings))
        {
            await Task.Delay(1500); // every object is reconciled from its initial ADDED event
            var revisions = (await host.Store.ListAsync(ApiHost.Revision, "default")).Items.Select(r => r.Name()).ToList();
            Assert.Equal(["hello-00001", "hello-00002"], revisions);
            Assert.Single((await host.Store.ListAsync(ApiHost.Configuration, "default")).Items);
            Assert.Single((await host.Store.ListAsync(ApiHost.Route, "default")).Items);
            var config = (await host.Store.GetAsync(ApiHost.Configuration, "default", "hello"))!;
            Assert.Equal("hello-00002", config["status"]!["latestCreatedRevisionName"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_revision_owns_a_PodAutoscaler_and_its_workload_follows_the_desired_scale_written_there()
    {
        await using var host = new ApiHost(settings: Settings);
        await host.Store.CreateAsync(ApiHost.Service, Hello("World"));
        JsonObject? pa = null;
        await Until(host, async () => (pa = await host.Store.GetAsync(ResourceKinds.PodAutoscaler, "default", "hello-00001")) is not null, "the PodAutoscaler");
        var revision = (await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001"))!;
        Assert.Equal(revision.Uid(), pa!.Metadata()!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        Assert.Equal("Reachable", pa!["spec"]!["reachability"]!.GetValue<string>());
        await Until(host, async () => await WorkloadDesiredAsync(host) == 1, "the workload at its initial scale");

        // The autoscaler's decisions, as it writes them: the supervisor scales the processes to them.
        foreach (var desired in new[] { 0, 2 })
        {
            await host.Store.PatchAsync(ResourceKinds.PodAutoscaler, "default", "hello-00001",
                new JsonObject { ["status"] = new JsonObject { ["desiredScale"] = desired } }, status: true);
            await Until(host, async () => await WorkloadDesiredAsync(host) == desired, $"the workload at {desired}");
        }
        await Until(host, async () => (await host.Store.GetAsync(ApiHost.Revision, "default", "hello-00001"))!["status"]?["desiredReplicas"]?.GetValue<int>() == 2,
            "the revision's desiredReplicas");
        // The replicas never become ready (they do not listen): the supervisor records 0 ready as actualScale.
        await Until(host, async () => (await host.Store.GetAsync(ResourceKinds.PodAutoscaler, "default", "hello-00001"))!["status"]?["actualScale"]?.GetValue<int>() == 0,
            "status.actualScale");

        // Deleting the Service takes the revision and its PodAutoscaler with it, and the workload.
        await host.Store.DeleteAsync(ApiHost.Service, "default", "hello");
        await Until(host, async () => await host.Store.GetAsync(ResourceKinds.PodAutoscaler, "default", "hello-00001") is null, "the PodAutoscaler gone");
        await Until(host, async () => await WorkloadDesiredAsync(host) is null, "the workload gone");
    }

    private static async Task<int?> WorkloadDesiredAsync(ApiHost host)
    {
        using var response = await host.Client.GetAsync("/workloads/v1/revisions/default/hello-00001");
        if (!response.IsSuccessStatusCode) return null;
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["desired"]!.GetValue<int>();
    }

    private static string? RoutingState(JsonObject? revision) => revision?.Labels().GetValueOrDefault("serving.knative.dev/routingState");

    private static async Task Until(ApiHost host, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
        _ = host;
    }
}

/// <summary>The workload endpoints' answers to bad input.</summary>
public sealed class WorkloadEndpointTests
{
    [Fact]
    public async Task Status_of_an_unknown_revision_is_404_and_scale_is_not_served()
    {
        await using var host = new ApiHost();
        using var status = await host.Client.GetAsync("/workloads/v1/revisions/default/hello-00001");
        Assert.Equal(404, (int)status.StatusCode);
        // Scale decisions reach the workload only through the PodAutoscaler, never by a call.
        using var scale = await host.SendAsync(HttpMethod.Put, "/workloads/v1/revisions/default/hello-00001/scale", """{"replicas": 2}""");
        Assert.True((int)scale.StatusCode is 404 or 405, $"got {(int)scale.StatusCode}");
    }

    [Fact]
    public async Task Logs_of_an_unknown_service_is_404()
    {
        await using var host = new ApiHost();
        using var response = await host.Client.GetAsync("/apis/platform.dev/v1/namespaces/default/services/nope/logs");
        Assert.Equal(404, (int)response.StatusCode);
    }
}
