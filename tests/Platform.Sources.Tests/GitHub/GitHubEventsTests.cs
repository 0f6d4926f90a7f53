using System.Text;
using GitHubSource.Webhooks;

namespace Platform.Sources.Tests.GitHub;

public class GitHubEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private const string Repository = """
        "repository":{"id":1296269,"name":"Hello-World","html_url":"https://github.com/Codertocat/Hello-World","owner":{"login":"Codertocat"}},
        "sender":{"login":"octocat"}
        """;

    // event, payload, want subject (null: none), want extensions "name=value;..." (sorted), want source
    [Theory]
    [InlineData("push", """{"ref":"refs/heads/main","compare":"https://github.com/Codertocat/Hello-World/compare/a10867b14bb7...000000000000","created":false,"deleted":false,"forced":true,"pusher":{"name":"Codertocat"},"installation":{"id":42},""" + Repository + "}",
        "a10867b14bb7...000000000000", "created=false;deleted=false;forced=true;installation=42;owner=Codertocat;pusher=Codertocat;ref=refs/heads/main;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("pull_request", """{"action":"opened","number":2,"pull_request":{"number":2},"assignee":{"login":"hubot"},""" + Repository + "}",
        "2", "action=opened;assignee=hubot;number=2;owner=Codertocat;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("issues", """{"action":"labeled","issue":{"number":7},"label":{"name":"bug"},""" + Repository + "}",
        "7", "action=labeled;label=bug;owner=Codertocat;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("issue_comment", """{"action":"created","comment":{"html_url":"https://github.com/Codertocat/Hello-World/issues/2#issuecomment-393304133"},""" + Repository + "}",
        "2#issuecomment-393304133", "action=created;owner=Codertocat;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("ping", """{"zen":"Keep it logically awesome.","hook_id":30,""" + Repository + "}",
        "30", "owner=Codertocat;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("create", """{"ref":"v1.0","ref_type":"tag",""" + Repository + "}",
        "tag", "owner=Codertocat;ref=v1.0;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("release", """{"action":"published","release":{"tag_name":"v1.0","name":"First"},""" + Repository + "}",
        "v1.0", "action=published;owner=Codertocat;release=First;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("status", """{"sha":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","state":"success","name":"Codertocat/Hello-World","context":"ci",""" + Repository + "}",
        "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "context=ci;name=Codertocat/Hello-World;owner=Codertocat;repository=Hello-World;sender=octocat;state=success", "https://github.com/Codertocat/Hello-World")]
    [InlineData("gollum", """{"pages":[{"page_name":"Home"},{"page_name":"Main"}],""" + Repository + "}",
        "Home,Main", "owner=Codertocat;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("membership", """{"action":"added","scope":"team","member":{"id":21031067},"organization":{"login":"Octocoders"},"sender":{"login":"octocat"}}""",
        "21031067", "action=added;owner=Octocoders;scope=team;sender=octocat", "https://github.com/Octocoders")]
    [InlineData("workflow_run", """{"action":"completed",""" + Repository + "}",
        null, "action=completed;owner=Codertocat;repository=Hello-World;sender=octocat", "https://github.com/Codertocat/Hello-World")]
    [InlineData("installation", """{"action":"created","installation":{"id":2},"sender":{"login":"octocat"}}""",
        "2", "action=created;installation=2;sender=octocat", "https://github.com")]
    public void Maps_as_knatives_github_source(string gitHubEvent, string payload, string? subject, string extensions, string source)
    {
        var (cloudEvent, error) = GitHubEvents.ToCloudEvent(new WebhookDelivery(gitHubEvent, "72d3162e-cc78-11e3-81ab-4c9367dc0958", Encoding.UTF8.GetBytes(payload)), null, Now);
        Assert.Null(error);
        Assert.NotNull(cloudEvent);
        Assert.Equal($"dev.knative.source.github.{gitHubEvent}", cloudEvent.Type);
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", cloudEvent.Id);
        Assert.Equal(new Uri(source), cloudEvent.Source);
        Assert.Equal(subject, cloudEvent.Subject);
        Assert.Equal(Now, cloudEvent.Time);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        Assert.Equal(payload, Encoding.UTF8.GetString((byte[])cloudEvent.Data!));
        Assert.Equal(extensions, string.Join(";", cloudEvent.ExtensionAttributes.Select(a => $"{a.Name}={cloudEvent[a]}").Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void A_configured_repository_is_the_source()
    {
        var (cloudEvent, _) = GitHubEvents.ToCloudEvent(new WebhookDelivery("ping", "d1", Encoding.UTF8.GetBytes("""{"hook_id":1}""")), GitHubEvents.SourceFor("knative/eventing"), Now);
        Assert.Equal(new Uri("https://github.com/knative/eventing"), cloudEvent!.Source);
    }

    [Theory]
    [InlineData("not json", "the payload is not JSON")]
    [InlineData("[1,2]", "the payload must be a JSON object")]
    [InlineData("", "the payload is not JSON")]
    public void A_payload_that_is_not_an_object_is_refused(string payload, string error)
    {
        var (cloudEvent, why) = GitHubEvents.ToCloudEvent(new WebhookDelivery("push", "d1", Encoding.UTF8.GetBytes(payload)), null, Now);
        Assert.Null(cloudEvent);
        Assert.StartsWith(error, why, StringComparison.Ordinal);
    }
}
