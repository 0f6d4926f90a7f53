using Platform.Resources.Serialization;

namespace Platform.Resources.Tests.Serialization;

public class HostileInputTests
{
    [Fact]
    public void Deep_yaml_nesting_is_refused_not_a_stack_overflow()
    {
        var yaml = "apiVersion: v1\nkind: Service\nspec: " + new string('[', 100_000);
        var error = Assert.Single(ResourceSerializer.Default.Read(yaml).Errors);
        Assert.Contains("nesting deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_json_nesting_is_refused()
    {
        var json = "{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var error = Assert.Single(ResourceSerializer.Default.Read(json).Errors);
        Assert.StartsWith("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_bombs_are_refused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 0; i < 8; i++)
        {
            yaml += $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n";
        }

        var error = Assert.Single(ResourceSerializer.Default.Read(yaml).Errors);
        Assert.Contains("nodes (aliases expanded)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_aliases_are_expanded()
    {
        const string yaml = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: hello
              labels: &labels
                app: hello
              annotations: *labels
            """;
        var service = ResourceSerializer.Default.ReadOne<Platform.Resources.Serving.Service>(yaml);
        Assert.Equal("hello", service.Metadata.Annotations!["app"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("# just a comment\n")]
    public void Empty_input_reads_as_nothing(string text)
    {
        var result = ResourceSerializer.Default.Read(text);
        Assert.True(result.Success);
        Assert.Empty(result.Resources);
    }

    [Theory]
    [InlineData("just a string")]
    [InlineData("42")]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public void Non_resources_are_refused_with_a_message(string text)
    {
        var result = ResourceSerializer.Default.Read(text);
        Assert.False(result.Success);
        Assert.All(result.Errors, e => Assert.Contains("expected a resource", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [null]}}}", "spec.template.spec.containers[0].image: image or command is required")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{image: x, ports: [null], env: [null], volumeMounts: [null]}]}}}", "spec.template.spec.containers[0].ports[0]: required")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{image: x}]}}, traffic: [null]}", "spec.traffic[0]: required")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: null\nspec: null", "metadata.name: name or generateName is required")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Sequence\nmetadata: {name: s}\nspec: {steps: [null]}", "spec.steps[0]: required")]
    [InlineData("apiVersion: flows.knative.dev/v1\nkind: Parallel\nmetadata: {name: p}\nspec: {branches: [null]}", "spec.branches[0]: required")]
    [InlineData("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, labels: {a: null}}\nspec: {filters: [null], subscriber: {uri: 'http://x'}}", "spec.filters[0]: must set exactly one of exact, prefix, suffix, all, any, not, cesql")]
    [InlineData("apiVersion: sources.knative.dev/v1\nkind: ApiServerSource\nmetadata: {name: a}\nspec: {resources: [null], sink: {uri: 'http://x'}}", "spec.resources[0].apiVersion: required")]
    [InlineData("apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\nmetadata: {name: c}\nspec: {subscribers: [null]}", "spec.subscribers[0]: required")]
    public void Null_entries_are_errors_not_crashes(string yaml, string expected)
    {
        Assert.Contains(expected, Manifest.Errors(yaml));
    }
}
