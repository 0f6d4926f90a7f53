using System.Text.Json;
using CloudNative.CloudEvents;

namespace GitHubSource.Webhooks;

/// <summary>One webhook delivery as GitHub sent it: <c>X-GitHub-Event</c>, <c>X-GitHub-Delivery</c> and the JSON payload.</summary>
/// <param name="Event">The event name (<c>push</c>, <c>pull_request</c>, <c>ping</c>, ...).</param>
/// <param name="DeliveryId">GitHub's unique id of this delivery (a GUID); a redelivery keeps it.</param>
/// <param name="Payload">The payload, UTF-8 JSON.</param>
internal sealed record WebhookDelivery(string Event, string DeliveryId, byte[] Payload);

/// <summary>
/// Turns a webhook delivery into the CloudEvent Knative's GitHub source (eventing-github) sends: type
/// <c>dev.knative.source.github.{event}</c>, id = the delivery id, source = <c>https://github.com/{owner/repo}</c>,
/// subject and extensions (<c>owner</c>, <c>repository</c>, <c>sender</c>, <c>action</c>, ...) per event as its adapter
/// computes them, the payload as <c>application/json</c> data. Pure.
/// </summary>
internal static class GitHubEvents
{
    /// <summary>Prefix of every type this source emits.</summary>
    public const string TypePrefix = "dev.knative.source.github";

    private const string GitHub = "https://github.com";

    // The subject per event, as eventing-github's adapter picks it (its "somewhat arbitrary" choice, kept so that
    // triggers written for Knative filter the same). A path into the payload, or a function where it is computed.
    private static readonly Dictionary<string, Func<JsonElement, string?>> Subjects = new(StringComparer.Ordinal)
    {
        ["check_run"] = p => Text(p, "check_run.id"),
        ["check_suite"] = p => Text(p, "check_suite.id"),
        ["commit_comment"] = p => LastPathPart(Text(p, "comment.html_url")),
        ["create"] = p => Text(p, "ref_type"),
        ["delete"] = p => Text(p, "ref_type"),
        ["deployment"] = p => Text(p, "deployment.id"),
        ["deployment_status"] = p => Text(p, "deployment.id"),
        ["fork"] = p => Text(p, "forkee.id"),
        ["gollum"] = p => p.TryGetProperty("pages", out var pages) && pages.ValueKind == JsonValueKind.Array
            ? string.Join(",", pages.EnumerateArray().Select(page => Text(page, "page_name") ?? ""))
            : null,
        ["installation"] = p => Text(p, "installation.id"),
        ["integration_installation"] = p => Text(p, "installation.id"),
        ["installation_repositories"] = p => Text(p, "installation.id"),
        ["integration_installation_repositories"] = p => Text(p, "installation.id"),
        ["issue_comment"] = p => LastPathPart(Text(p, "comment.html_url")),
        ["issues"] = p => Text(p, "issue.number"),
        ["label"] = p => Text(p, "label.name"),
        ["member"] = p => Text(p, "member.id"),
        ["membership"] = p => Text(p, "member.id"),
        ["milestone"] = p => Text(p, "milestone.number"),
        ["organization"] = p => Text(p, "action"),
        ["org_block"] = p => Text(p, "action"),
        ["page_build"] = p => Text(p, "id"),
        ["ping"] = p => Text(p, "hook_id"),
        ["project_card"] = p => Text(p, "action"),
        ["project_column"] = p => Text(p, "action"),
        ["project"] = p => Text(p, "action"),
        ["public"] = p => Text(p, "repository.id"),
        ["pull_request"] = p => Text(p, "pull_request.number"),
        ["pull_request_review_comment"] = p => Text(p, "comment.id"),
        ["pull_request_review"] = p => Text(p, "review.id"),
        ["push"] = p => LastPathPart(Text(p, "compare")),
        ["release"] = p => Text(p, "release.tag_name"),
        ["repository"] = p => Text(p, "repository.id"),
        ["repository_vulnerability_alert"] = p => Text(p, "alert.id"),
        ["security_advisory"] = p => Text(p, "security_advisory.ghsa_id"),
        ["status"] = p => Text(p, "sha"),
        ["team"] = p => Text(p, "team.id"),
        ["team_add"] = p => Text(p, "repository.id"),
        ["watch"] = p => Text(p, "repository.id"),
    };

    // Extensions beyond the common ones, per event (extension name, payload path), as eventing-github adds them.
    private static readonly Dictionary<string, (string Name, string Path)[]> Extras = new(StringComparer.Ordinal)
    {
        ["create"] = [("ref", "ref")],
        ["delete"] = [("ref", "ref")],
        ["issues"] = [("label", "label.name"), ("assignee", "assignee.login")],
        ["label"] = [("label", "label.name")],
        ["membership"] = [("scope", "scope")],
        ["pull_request"] = [("number", "number"), ("label", "label.name"), ("assignee", "assignee.login")],
        ["pull_request_review"] = [("review", "review.state")],
        ["push"] = [("pusher", "pusher.name"), ("ref", "ref"), ("created", "created"), ("deleted", "deleted"), ("forced", "forced")],
        ["release"] = [("release", "release.name")],
        ["status"] = [("state", "state"), ("name", "name"), ("context", "context")],
    };

    /// <summary>The CloudEvent type of a GitHub event: <c>dev.knative.source.github.push</c>.</summary>
    public static string TypeOf(string gitHubEvent) => $"{TypePrefix}.{gitHubEvent}";

    /// <summary>Whether this source knows the event's subject (Knative's list); others are sent without a subject.</summary>
    public static bool IsKnown(string gitHubEvent) => Subjects.ContainsKey(gitHubEvent);

    /// <summary>
    /// The CloudEvent for <paramref name="delivery"/>, or why there is none (the payload is not a JSON object).
    /// <paramref name="source"/> is the configured source (<c>GITHUB_OWNER_AND_REPOSITORY</c>), or null to take the
    /// repository's <c>html_url</c> (or the organization's page) from the payload.
    /// </summary>
    public static (CloudEvent? Event, string? Error) ToCloudEvent(WebhookDelivery delivery, Uri? source, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(delivery.Payload);
        }
        catch (JsonException e)
        {
            return (null, $"the payload is not JSON: {e.Message}");
        }
        using (document)
        {
            var payload = document.RootElement;
            if (payload.ValueKind != JsonValueKind.Object) return (null, "the payload must be a JSON object");
            var cloudEvent = new CloudEvent
            {
                Id = delivery.DeliveryId,
                Type = TypeOf(delivery.Event),
                Source = source ?? SourceOf(payload),
                Time = time,
                DataContentType = "application/json",
                Data = delivery.Payload,
            };
            if (Subjects.TryGetValue(delivery.Event, out var subject) && subject(payload) is { Length: > 0 } s) cloudEvent.Subject = s;
            foreach (var (name, value) in ExtensionsOf(delivery.Event, payload)) cloudEvent[name] = value;
            return (cloudEvent, null);
        }
    }

    /// <summary><c>https://github.com/{ownerAndRepository}</c>, as Knative's source attribute for a configured source.</summary>
    public static Uri SourceFor(string ownerAndRepository) => new($"{GitHub}/{ownerAndRepository.Trim('/')}");

    // The extensions every event gets when its payload has them, then the event's own.
    private static IEnumerable<(string Name, string Value)> ExtensionsOf(string gitHubEvent, JsonElement payload)
    {
        (string, string)[] common =
        [
            ("owner", Text(payload, "repository.owner.login") ?? Text(payload, "organization.login") ?? ""),
            ("repository", Text(payload, "repository.name") ?? ""),
            ("sender", Text(payload, "sender.login") ?? ""),
            ("action", Text(payload, "action") ?? ""),
            ("installation", Text(payload, "installation.id") ?? ""),
        ];
        var extras = Extras.GetValueOrDefault(gitHubEvent, []).Select(e => (e.Name, Text(payload, e.Path) ?? ""));
        return common.Concat(extras).Where(e => e.Item2.Length > 0);
    }

    private static Uri SourceOf(JsonElement payload)
    {
        if (Text(payload, "repository.html_url") is { } html && Uri.TryCreate(html, UriKind.Absolute, out var repository)) return repository;
        if (Text(payload, "organization.login") is { Length: > 0 } org) return new Uri($"{GitHub}/{org}");
        return new Uri(GitHub);
    }

    // A string, number or boolean at a dotted path, as text (numbers as written, booleans "true"/"false"); null otherwise.
    private static string? Text(JsonElement element, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element)) return null;
        }
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    // https://github.com/o/r/issues/2#issuecomment-1 → 2#issuecomment-1, as eventing-github keeps it.
    private static string? LastPathPart(string? url) => url?[(url.LastIndexOf('/') + 1)..];
}
