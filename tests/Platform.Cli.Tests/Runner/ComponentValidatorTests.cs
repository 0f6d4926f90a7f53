using Platform.Cli.Runner.Components;

namespace Platform.Cli.Tests.Runner;

public class ComponentValidatorTests
{
    private const string Head = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\n";

    public static TheoryData<string, string, string[]> Invalid => new()
    {
        { "not a mapping", "- a", ["c.yaml: must be a mapping with apiVersion, kind, metadata and spec, got a list"] },
        { "bad yaml", "kind: [", ["c.yaml: not valid YAML at line 2, column 1: While parsing a node, did not find expected node content."] },
        { "apiVersion missing", "kind: Component\nmetadata: {name: a}\nspec: {type: pubsub.redis, version: v1}", ["c.yaml: apiVersion: is required (dapr.io/v1alpha1 or dapr.io/v2alpha1)"] },
        { "apiVersion wrong", "apiVersion: v1\nkind: Component\nmetadata: {name: a}\nspec: {type: pubsub.redis, version: v1}", ["c.yaml: apiVersion: must be dapr.io/v1alpha1 or dapr.io/v2alpha1, got \"v1\""] },
        { "kind missing", "apiVersion: dapr.io/v1alpha1\nmetadata: {name: a}", ["c.yaml: kind: is required (one of Component, Resiliency, Subscription, Configuration)"] },
        { "kind unknown", "apiVersion: dapr.io/v1alpha1\nkind: Deployment\nmetadata: {name: a}", ["c.yaml: kind: must be one of Component, Resiliency, Subscription, Configuration, got \"Deployment\""] },
        { "name missing", "apiVersion: dapr.io/v1alpha1\nkind: Component\nspec: {type: pubsub.redis, version: v1}", ["c.yaml: metadata.name: is required"] },
        { "name empty", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {namespace: x}\nspec: {type: pubsub.redis, version: v1}", ["c.yaml: metadata.name: is required"] },
        { "name upper case", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: PubSub}\nspec: {type: pubsub.redis, version: v1}", ["c.yaml: metadata.name: must be lower-case letters, digits, '-' and '.', got \"PubSub\""] },
        { "spec missing", Head, ["c.yaml: spec: is required (type, version, metadata)"] },
        { "spec a list", Head + "spec: [a]", ["c.yaml: spec: must be a mapping, got a list"] },
        { "type missing", Head + "spec:\n  version: v1", ["c.yaml: spec.type: is required (for example pubsub.redis)"] },
        { "type without category", Head + "spec:\n  type: redis\n  version: v1", ["c.yaml: spec.type: must look like category.name (for example pubsub.redis), got \"redis\""] },
        { "version missing", Head + "spec:\n  type: pubsub.redis", ["c.yaml: spec.version: is required (for example v1)"] },
        { "version wrong", Head + "spec:\n  type: pubsub.redis\n  version: 1", ["c.yaml: spec.version: must look like v1, got \"1\""] },
        { "metadata a mapping", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata: {redisHost: x}", ["c.yaml: spec.metadata: must be a list of name/value entries, got a mapping"] },
        { "entry without name", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata:\n    - value: x", ["c.yaml: spec.metadata[0].name: is required"] },
        { "entry without value", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata:\n    - name: redisHost", ["c.yaml: spec.metadata[0]: \"redisHost\" needs a value or a secretKeyRef"] },
        { "entry with both", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata:\n    - name: p\n      value: x\n      secretKeyRef: {name: s}", ["c.yaml: spec.metadata[0]: \"p\" has both value and secretKeyRef; keep one"] },
        { "secret without name", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata:\n    - name: p\n      secretKeyRef: {key: k}", ["c.yaml: spec.metadata[0].secretKeyRef.name: is required (the secret to read)"] },
        { "value a list", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata:\n    - name: p\n      value: [1]", ["c.yaml: spec.metadata[0].value: must be a string, got a list"] },
        { "entry twice", Head + "spec:\n  type: pubsub.redis\n  version: v1\n  metadata:\n    - name: p\n      value: a\n    - name: p\n      value: b", ["c.yaml: spec.metadata[1].name: \"p\" is listed twice"] },
        { "subscription without topic", "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata: {name: s}\nspec: {pubsubname: pubsub}", ["c.yaml: spec.topic: is required"] },
        { "second document", Head + "spec: {type: pubsub.redis, version: v1}\n---\n" + Head + "spec: {type: state.redis}", ["c.yaml (document 2): spec.version: is required (for example v1)"] },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses_invalid_documents_naming_the_field(string label, string yaml, string[] want)
    {
        var set = ComponentValidator.ValidateText(yaml, "c.yaml");
        Assert.True(want.SequenceEqual(set.Problems.Select(p => p.ToString())),
            $"{label}\nwant:\n  {string.Join("\n  ", want)}\ngot:\n  {string.Join("\n  ", set.Problems)}");
        Assert.Equal(yaml.Contains("---") ? 1 : 0, set.Documents.Count);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("kafka")]
    [InlineData("aws")]
    public void The_repository_components_are_valid(string environment)
    {
        var dir = Path.Combine(RepoRoot.Path, "components", environment);
        var set = ComponentValidator.ValidateFolder(dir, Path.GetFileName);
        Assert.Empty(set.Problems);
        Assert.Contains(set.Documents, d => d is { Kind: "Component", Name: "pubsub" });
        Assert.Contains(set.Documents, d => d is { Kind: "Component", Name: "statestore" });
        Assert.Contains(set.Documents, d => d.Kind == "Resiliency");
    }

    [Fact]
    public void Reads_type_and_metadata_including_secrets()
    {
        var doc = Assert.Single(ComponentValidator.ValidateText(Head + """
            spec:
              type: pubsub.redis
              version: v1
              metadata:
                - name: redisHost
                  value: localhost:6379
                - name: redisPassword
                  value: ""
                - name: token
                  secretKeyRef: {name: redis, key: password}
            """, "c.yaml").Documents);
        Assert.Equal("pubsub.redis", doc.Type);
        Assert.Equal("localhost:6379", doc.Value("redisHost"));
        Assert.Equal("", doc.Value("redisPassword"));
        Assert.Equal(new MetadataEntry("token", null, "redis"), doc.Metadata[2]);
        Assert.True(LocalRedis.Uses(doc));
    }

    [Fact]
    public void A_name_defined_twice_in_one_folder_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("platform-cli-components-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"), Head + "spec: {type: pubsub.redis, version: v1}");
            File.WriteAllText(Path.Combine(dir.FullName, "b.yml"), Head + "spec: {type: pubsub.in-memory, version: v1}");
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not a component");
            var set = ComponentValidator.ValidateFolder(dir.FullName, Path.GetFileName);
            Assert.Equal("b.yml: metadata.name: Component \"pubsub\" is also defined in a.yaml", Assert.Single(set.Problems).ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("localhost:6379", true)]
    [InlineData("127.0.0.1:6379", true)]
    [InlineData("LOCALHOST:6379", true)]
    [InlineData("localhost:6380", false)]
    [InlineData("redis-master:6379", false)]
    [InlineData(null, false)]
    public void Local_redis_is_the_default_address_only(string? host, bool local) =>
        Assert.Equal(local, LocalRedis.IsLocalAddress(host));
}
