using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.Testing.Kubernetes;

/// <summary>One access question a SubjectAccessReview asked.</summary>
/// <param name="User">The user (<c>system:serviceaccount:{ns}:{name}</c>).</param>
/// <param name="Verb">get, list, watch, ...</param>
/// <param name="Group">The API group.</param>
/// <param name="Resource">The resource (plural).</param>
/// <param name="Namespace">The namespace ("" for all).</param>
public sealed record AccessReview(string User, string Verb, string Group, string Resource, string Namespace);

public sealed partial class FakeKubernetesApi
{
    /// <summary>
    /// The RBAC the fake answers <c>SubjectAccessReview</c>s with: a review is allowed when this returns true. Default:
    /// everything is allowed.
    /// </summary>
    public Func<AccessReview, bool> Authorize { get; set; } = _ => true;

    /// <summary>Every access review asked, in order.</summary>
    public ConcurrentQueue<AccessReview> AccessReviews { get; } = new();

    /// <summary>Namespaces <c>GET /api/v1/namespaces</c> lists, with their labels (name → labels).</summary>
    public ConcurrentDictionary<string, Dictionary<string, string>> Namespaces { get; } = new(StringComparer.Ordinal);

    // authorization.k8s.io/v1 SubjectAccessReview (create only, as the API server serves it) and core/v1 namespaces
    // (list): what an ApiServerSource's access check and namespace selector ask.
    private void MapAuthorization(WebApplication app)
    {
        app.MapPost("/apis/authorization.k8s.io/v1/subjectaccessreviews", async (HttpContext c) =>
        {
            var body = await RecordAsync(c);
            if (Parse(body) is not { } review)
            {
                await Write(c, 400, Status(400, "BadRequest", "the body is not a JSON object"));
                return;
            }
            var attributes = review["spec"]?["resourceAttributes"];
            var asked = new AccessReview(Str(review["spec"], "user") ?? "", Str(attributes, "verb") ?? "", Str(attributes, "group") ?? "",
                Str(attributes, "resource") ?? "", Str(attributes, "namespace") ?? "");
            AccessReviews.Enqueue(asked);
            var allowed = Authorize(asked);
            review["status"] = new JsonObject
            {
                ["allowed"] = allowed,
                ["reason"] = allowed ? "allowed by the fake's rules" : "",
            };
            await Write(c, 201, review);
        });
        app.MapGet("/api/v1/namespaces", async (HttpContext c) =>
        {
            await RecordAsync(c);
            var items = new JsonArray();
            foreach (var (name, labels) in Namespaces.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                var labelNode = new JsonObject { ["kubernetes.io/metadata.name"] = name };
                foreach (var (k, v) in labels) labelNode[k] = v;
                items.Add(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labelNode },
                });
            }
            var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "NamespaceList", ["metadata"] = new JsonObject { ["resourceVersion"] = Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ["items"] = items };
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(list.ToJsonString(), Encoding.UTF8);
        });
    }
}
