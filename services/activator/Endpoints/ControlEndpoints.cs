using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Activator.Routing;
using Platform.Activator.Stats;
using Platform.Activator.Throttling;
using Platform.Serving.Contracts.Routing;

namespace Platform.Activator.Endpoints;

/// <summary>
/// The activator's control surface, served only on the loopback control port (<see cref="ActivatorOptions.ControlPort"/>,
/// the activator's Dapr app port: the serving-controller reaches it through service invocation on app-id
/// <c>activator</c>). On the ingress the same paths answer 404, whatever the Host header: a client of the ingress
/// must not be able to rewrite a revision's endpoints and take its traffic. With <c>APP_API_TOKEN</c> set, a control
/// call without that token in <c>dapr-api-token</c> answers 401 <c>{"error": "unauthorized"}</c>.
/// <list type="bullet">
/// <item><c>PUT /activator/v1/routes</c>, body <see cref="RouteTable"/>: replaces the whole table. 200
/// <c>{"version": n}</c>; 400 <c>{"error": "invalid-route-table", "errors": ["services[0].traffic: ..."]}</c>,
/// nothing applied.</item>
/// <item><c>PUT /activator/v1/revisions/{namespace}/{revision}/endpoints</c>, body <see cref="EndpointsUpdate"/>
/// <c>{"endpoints": ["127.0.0.1:41234"], "failure": null}</c>: replaces one revision's ready replicas (and why it cannot
/// start more, which ends the requests held for it). 200 / 400 / 404
/// <c>{"error": "unknown-revision"}</c>.</item>
/// <item><c>GET /activator/v1/routes</c>: the current table, its version and the hosts served.</item>
/// <item><c>GET /activator/v1/stats</c>: per revision replicas, in flight, queued, and the last stats batch.</item>
/// </list>
/// </summary>
internal static class ControlEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Answer of a successful update.</summary>
    /// <param name="Version">Table version now in force.</param>
    public sealed record Applied(long Version);

    /// <summary>Answer of a refused update.</summary>
    /// <param name="Error">Stable code: <c>invalid-route-table</c>, <c>invalid-endpoints</c>, <c>unknown-revision</c>, <c>invalid-json</c>.</param>
    /// <param name="Errors">Every problem with its field path.</param>
    public sealed record Refused(string Error, IReadOnlyList<string> Errors);

    /// <summary>The current table.</summary>
    /// <param name="Version">Table version.</param>
    /// <param name="Table">The table.</param>
    /// <param name="Hosts">Every host name routed.</param>
    public sealed record RoutesView(long Version, RouteTable Table, IReadOnlyList<string> Hosts);

    /// <summary>One revision's throttler for <c>GET /activator/v1/stats</c>.</summary>
    /// <param name="Namespace">Revision namespace.</param>
    /// <param name="Revision">Revision name.</param>
    /// <param name="State">Replicas, in flight, queued.</param>
    public sealed record RevisionView(string Namespace, string Revision, ThrottlerState State);

    /// <summary>Body of <c>GET /activator/v1/stats</c>.</summary>
    /// <param name="Revisions">Live throttler figures.</param>
    /// <param name="LastBatch">The last stats batch built (null before the first tick).</param>
    public sealed record StatsView(IReadOnlyList<RevisionView> Revisions, StatsBatch? LastBatch);

    /// <summary>Maps the control endpoints.</summary>
    public static IEndpointRouteBuilder MapActivatorControl(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/activator/v1");
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<ActivatorOptions>();
            if (http.Connection.LocalPort != options.ControlPort)
                return NotOnThisPort(http);
            if (options.AppApiToken is { } token && !string.Equals(http.Request.Headers["dapr-api-token"], token, StringComparison.Ordinal))
                return TypedResults.Json(new Refused("unauthorized",
                    ["dapr-api-token: missing or wrong (APP_API_TOKEN is set: control calls come through the activator's sidecar)"]),
                    statusCode: StatusCodes.Status401Unauthorized);
            return await next(context);
        });
        api.MapPut("/routes", PutRoutesAsync);
        api.MapGet("/routes", (IRouteTableStore store) =>
        {
            var s = store.Current;
            return TypedResults.Ok(new RoutesView(s.Version, s.Table, s.Hosts.Order(StringComparer.Ordinal).ToList()));
        });
        api.MapPut("/revisions/{namespace}/{revision}/endpoints", PutEndpointsAsync);
        api.MapGet("/stats", (RevisionThrottlers throttlers, StatsReporter reporter) => TypedResults.Ok(new StatsView(
            throttlers.All.OrderBy(t => t.Namespace, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => new RevisionView(t.Namespace, t.Name, t.State)).ToList(),
            reporter.Last)));
        return app;
    }

    private static NotFound<Refused> NotOnThisPort(HttpContext http) => TypedResults.NotFound(new Refused("not-found",
        [$"{http.Request.Path}: not served on this port (the activator's control endpoints listen on its loopback control port)"]));

    private static async Task<Results<Ok<Applied>, BadRequest<Refused>>> PutRoutesAsync(HttpRequest request, IRouteTableStore store)
    {
        var (table, error) = await ReadAsync<RouteTable>(request);
        if (error is not null) return TypedResults.BadRequest(new Refused("invalid-json", [error]));
        var result = store.Apply(table!);
        return result.Status == ApplyStatus.Applied
            ? TypedResults.Ok(new Applied(result.Version))
            : TypedResults.BadRequest(new Refused("invalid-route-table", result.Errors));
    }

    private static async Task<Results<Ok<Applied>, BadRequest<Refused>, NotFound<Refused>>> PutEndpointsAsync(
        string @namespace, string revision, HttpRequest request, IRouteTableStore store)
    {
        var (update, error) = await ReadAsync<EndpointsUpdate>(request);
        if (error is not null) return TypedResults.BadRequest(new Refused("invalid-json", [error]));
        var errors = RouteTableValidator.Validate(update);
        if (errors.Count > 0) return TypedResults.BadRequest(new Refused("invalid-endpoints", errors));
        var result = store.UpdateEndpoints(@namespace, revision, update!);
        return result.Status switch
        {
            ApplyStatus.Applied => TypedResults.Ok(new Applied(result.Version)),
            ApplyStatus.UnknownRevision => TypedResults.NotFound(new Refused("unknown-revision", result.Errors)),
            _ => TypedResults.BadRequest(new Refused("invalid-endpoints", result.Errors)),
        };
    }

    /// <summary>Reads a JSON body; a syntax or type error comes back naming its JSON path.</summary>
    private static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted);
            return value is null ? (null, "body: required (JSON object)") : (value, null);
        }
        catch (JsonException e)
        {
            return (null, $"{(string.IsNullOrEmpty(e.Path) ? "body" : e.Path)}: invalid JSON ({e.Message.Split(" Path:")[0]})");
        }
    }
}
