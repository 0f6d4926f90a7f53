using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Store;
using Platform.Serving.Contracts.Revisions;
using Platform.ServingController.Reconcilers;
using Platform.Workloads;

namespace Platform.ServingController.Supervisor;

/// <summary>
/// serving-controller's workload endpoints:
/// <list type="bullet">
/// <item><c>GET /workloads/v1/revisions/{ns}/{name}</c> — the workload's status.</item>
/// <item><c>GET /apis/platform.dev/v1/namespaces/{ns}/services/{name}/logs?revision=&amp;follow=</c> — replica output
/// as <c>text/plain</c>, one line each, <c>[{replica}] {text}</c>; without <c>revision</c>, every revision the
/// Service routes to (else its latest created one).</item>
/// </list>
/// </summary>
internal static class WorkloadEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapWorkloadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/workloads/v1/revisions/{namespace}/{name}", (string @namespace, string name, IWorkloadBackend backend) =>
            backend.GetStatus(new RevisionKey(@namespace, name)) is { } status ? Results.Ok(status) : NotFound(@namespace, name));
        app.MapGet("/apis/platform.dev/v1/namespaces/{namespace}/services/{name}/logs", LogsAsync);
        return app;
    }

    private static async Task LogsAsync(string @namespace, string name, string? revision, bool? follow, HttpContext context,
        IResourceStore store, IWorkloadBackend backend)
    {
        var ct = context.RequestAborted;
        var service = await store.GetAsync(ResourceKinds.Service, @namespace, name, ct);
        if (service is null)
        {
            await NotFound(@namespace, name, "service").ExecuteAsync(context);
            return;
        }

        List<string> revisions;
        if (!string.IsNullOrEmpty(revision))
        {
            var rev = await store.GetAsync(ResourceKinds.Revision, @namespace, revision, ct);
            if (rev is null || rev.Labels().GetValueOrDefault(ServingMeta.ServiceLabel) != name)
            {
                await Results.Problem($"revision \"{revision}\" of service \"{name}\" not found", statusCode: 404, title: "Unknown revision").ExecuteAsync(context);
                return;
            }
            revisions = [revision];
        }
        else
        {
            var route = await store.GetAsync(ResourceKinds.Route, @namespace, name, ct);
            revisions = route is null ? [] : [.. (ServingObjects.Read<ServingRoute>(route).Status?.Traffic ?? [])
                .Select(t => t.RevisionName).OfType<string>().Distinct(StringComparer.Ordinal)];
            if (revisions.Count == 0 && service["status"]?["latestCreatedRevisionName"]?.GetValue<string>() is { } latest) revisions = [latest];
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.StartAsync(ct);
        var gate = new SemaphoreSlim(1, 1);
        await Task.WhenAll(revisions.Select(async r =>
        {
            try
            {
                await foreach (var line in backend.ReadLogsAsync(new RevisionKey(@namespace, r), null, follow ?? false, ct))
                {
                    await gate.WaitAsync(ct);
                    try
                    {
                        await context.Response.WriteAsync($"[{line.Replica}] {line.Text}\n", ct);
                        if (follow == true) await context.Response.Body.FlushAsync(ct);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away (Ctrl-C on `service logs -f`).
            }
        }));
    }

    private static IResult NotFound(string ns, string name, string what = "revision") =>
        Results.Problem($"{what} {ns}/{name} has no workload", statusCode: 404, title: $"Unknown {what}");
}
