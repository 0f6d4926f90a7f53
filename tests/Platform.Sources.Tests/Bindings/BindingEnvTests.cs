using System.Text.Json.Nodes;
using Platform.Sources.Bindings;
using Platform.Sources.Sdk;

namespace Platform.Sources.Tests.Bindings;

public class BindingEnvTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> Variables =
        BindingEnv.For(new Uri("http://sink.example/"), new CeOverrides(new Dictionary<string, string> { ["team"] = "blue" }));

    // label, pod spec before, pod spec after Inject, changed
    [Theory]
    [InlineData("appended after the container's own env",
        """{"containers":[{"image":"a","env":[{"name":"A","value":"1"}]}]}""",
        """{"containers":[{"image":"a","env":[{"name":"A","value":"1"},{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}]}""",
        true)]
    [InlineData("every container and init container",
        """{"initContainers":[{"image":"i"}],"containers":[{"image":"a"},{"image":"b"}]}""",
        """{"initContainers":[{"image":"i","env":[{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}],"containers":[{"image":"a","env":[{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]},{"image":"b","env":[{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}]}""",
        true)]
    [InlineData("an older sink is replaced, not duplicated",
        """{"containers":[{"image":"a","env":[{"name":"K_SINK","value":"http://old/"},{"name":"B","value":"2"}]}]}""",
        """{"containers":[{"image":"a","env":[{"name":"B","value":"2"},{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}]}""",
        true)]
    [InlineData("already injected: nothing changes",
        """{"containers":[{"image":"a","env":[{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}]}""",
        """{"containers":[{"image":"a","env":[{"name":"K_SINK","value":"http://sink.example/"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}]}""",
        false)]
    public void Inject(string label, string before, string after, bool changed)
    {
        var pod = JsonNode.Parse(before)!.AsObject();
        Assert.True(changed == BindingEnv.Inject(pod, Variables), label);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(after), pod), pod.ToJsonString());
    }

    // label, pod spec before, pod spec after Remove, changed
    [Theory]
    [InlineData("only the binding's variables go",
        """{"containers":[{"image":"a","env":[{"name":"A","value":"1"},{"name":"K_SINK","value":"http://s/"},{"name":"K_CE_OVERRIDES","value":""}]}]}""",
        """{"containers":[{"image":"a","env":[{"name":"A","value":"1"}]}]}""", true)]
    [InlineData("an env left empty is removed",
        """{"containers":[{"image":"a","env":[{"name":"K_SINK","value":"http://s/"}]}]}""",
        """{"containers":[{"image":"a"}]}""", true)]
    [InlineData("nothing injected: unchanged",
        """{"containers":[{"image":"a","env":[{"name":"A","value":"1"}]}]}""",
        """{"containers":[{"image":"a","env":[{"name":"A","value":"1"}]}]}""", false)]
    public void Remove(string label, string before, string after, bool changed)
    {
        var pod = JsonNode.Parse(before)!.AsObject();
        Assert.True(changed == BindingEnv.Remove(pod), label);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(after), pod), pod.ToJsonString());
    }

    [Fact]
    public void No_overrides_inject_an_empty_K_CE_OVERRIDES_as_knative_does()
    {
        Assert.Equal([new("K_SINK", "http://s/"), new("K_CE_OVERRIDES", "")], BindingEnv.For(new Uri("http://s/"), CeOverrides.None));
    }
}
