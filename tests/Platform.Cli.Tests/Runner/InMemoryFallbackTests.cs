using Platform.Cli.Runner.Components;

namespace Platform.Cli.Tests.Runner;

public class InMemoryFallbackTests
{
    [Fact]
    public void Rewrites_the_local_redis_components_to_in_memory()
    {
        var local = Path.Combine(RepoRoot.Path, "components", "local");
        var pubsub = InMemoryFallback.Rewrite(File.ReadAllText(Path.Combine(local, "pubsub.yaml")));
        var state = InMemoryFallback.Rewrite(File.ReadAllText(Path.Combine(local, "statestore.yaml")));

        var p = Assert.Single(ComponentValidator.ValidateText(pubsub!, "pubsub.yaml").Documents);
        Assert.Equal(("pubsub", "pubsub.in-memory"), (p.Name, p.Type));
        Assert.Empty(p.Metadata);

        var s = Assert.Single(ComponentValidator.ValidateText(state!, "statestore.yaml").Documents);
        Assert.Equal(("statestore", "state.in-memory"), (s.Name, s.Type));
        Assert.Equal([new MetadataEntry("actorStateStore", "true")], s.Metadata);
    }

    // label, input, whether it is rewritten
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "remote redis stays", Component("state.redis", "redis-master:6379"), false },
        { "other type stays", Component("pubsub.kafka", "localhost:6379"), false },
        { "local state", Component("state.redis", "127.0.0.1:6379"), true },
        { "resiliency stays", "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: r}\nspec: {policies: {}}", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rewrites_only_components_on_the_local_redis(string label, string yaml, bool rewritten) =>
        Assert.True(rewritten == (InMemoryFallback.Rewrite(yaml) is not null), label);

    [Fact]
    public void Keeps_every_document_of_a_multi_document_file()
    {
        var text = Component("pubsub.redis", "localhost:6379") + "---\n" + Component("state.redis", "redis-master:6379").Replace("name: c", "name: d");
        var set = ComponentValidator.ValidateText(InMemoryFallback.Rewrite(text)!, "x.yaml");
        Assert.Empty(set.Problems);
        Assert.Equal(["pubsub.in-memory", "state.redis"], set.Documents.Select(d => d.Type));
        Assert.Equal("redis-master:6379", set.Documents[1].Value("redisHost"));
    }

    [Fact]
    public void Copies_a_folder_rewriting_what_needs_it()
    {
        var target = Path.Combine(Path.GetTempPath(), "platform-cli-fallback-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.True(InMemoryFallback.RewriteFolder(Path.Combine(RepoRoot.Path, "components", "local"), target));
            var set = ComponentValidator.ValidateFolder(target, Path.GetFileName);
            Assert.Empty(set.Problems);
            Assert.Equal(["pubsub.in-memory", null, "state.in-memory"], set.Documents.Select(d => d.Type));
            Assert.Equal(File.ReadAllText(Path.Combine(RepoRoot.Path, "components", "local", "resiliency.yaml")), File.ReadAllText(Path.Combine(target, "resiliency.yaml")));
        }
        finally
        {
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        }
    }

    private static string Component(string type, string host) =>
        $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\nspec:\n  type: {type}\n  version: v1\n  metadata:\n    - name: redisHost\n      value: {host}\n";
}
