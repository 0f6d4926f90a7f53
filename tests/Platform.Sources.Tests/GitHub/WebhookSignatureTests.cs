using System.Text;
using GitHubSource.Webhooks;

namespace Platform.Sources.Tests.GitHub;

public class WebhookSignatureTests
{
    private const string Secret = "It's a Secret to Everybody";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("Hello, World!");

    [Fact]
    public void Signs_as_github_documents_it() =>
        // GitHub's documented example ("Validating webhook deliveries"): this secret and payload give this signature.
        Assert.Equal("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", WebhookSignature.Sign(Body, Secret));

    // label, header, want refusal starting with (null: accepted)
    [Theory]
    [InlineData("github's signature", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", null)]
    [InlineData("missing", null, "X-Hub-Signature-256 is missing")]
    [InlineData("empty", "", "X-Hub-Signature-256 is missing")]
    [InlineData("sha1 header value", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", "X-Hub-Signature-256 must be")]
    [InlineData("not hex", "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "X-Hub-Signature-256 must be")]
    [InlineData("too short", "sha256=757107ea", "X-Hub-Signature-256 must be")]
    [InlineData("one digit off", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18", "X-Hub-Signature-256 does not match")]
    [InlineData("upper-case hex of the right digest", "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17", null)]
    public void Checks_the_header(string label, string? header, string? refusal)
    {
        var why = WebhookSignature.Check(header, Body, Secret);
        if (refusal is null) Assert.True(why is null, $"{label}: {why}");
        else Assert.True(why?.StartsWith(refusal, StringComparison.Ordinal) == true, $"{label}: {why}");
    }

    [Fact]
    public void Another_secret_or_body_does_not_match()
    {
        var header = WebhookSignature.Sign(Body, Secret);
        Assert.NotNull(WebhookSignature.Check(header, Body, Secret + "!"));
        Assert.NotNull(WebhookSignature.Check(header, Encoding.UTF8.GetBytes("Hello, World?"), Secret));
    }
}
