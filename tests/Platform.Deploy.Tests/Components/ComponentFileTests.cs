using System.Text.Json.Nodes;
using Platform.Deploy.Tests.Helm;
using Platform.Resources.Serialization;
using Platform.Testing;

namespace Platform.Deploy.Tests.Components;

/// <summary>Every Dapr Component Platform ships (components/*, and what the chart renders per environment) against Dapr's component metadata.</summary>
public sealed class ComponentFileTests
{
    public static TheoryData<string> Files => [.. Directory.GetFiles(Path.Combine(Builds.Root, "components"), "*.yaml", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Builds.Root, f)).Order()];

    [Theory]
    [MemberData(nameof(Files))]
    public void A_component_file_uses_only_keys_Dapr_documents_and_every_key_it_requires(string file)
    {
        var components = YamlDocuments.Parse(File.ReadAllText(Path.Combine(Builds.Root, file))).OfType<JsonObject>()
            .Where(d => d["kind"]?.GetValue<string>() == "Component").ToList();
        if (Path.GetFileName(file) is "pubsub.yaml" or "statestore.yaml") Assert.NotEmpty(components);
        foreach (var component in components)
            Assert.True(ComponentMetadata.Check(component) is { Count: 0 } errors, $"{file}: {string.Join("; ", ComponentMetadata.Check(component))}");
    }

    public static TheoryData<string> Environments => [.. HelmTool.Environments];

    [SkippableTheory]
    [MemberData(nameof(Environments))]
    public void The_components_the_chart_renders_are_what_Dapr_accepts(string environment)
    {
        foreach (var component in HelmTool.Render(environment).Where(m => m["kind"]?.GetValue<string>() == "Component"))
            Assert.True(ComponentMetadata.Check(component) is { Count: 0 }, $"{environment}: {string.Join("; ", ComponentMetadata.Check(component))}");
    }

    public static TheoryData<string, string, string?> Rows => new()
    {
        // label, component (type + metadata as YAML), the error expected (null: accepted)
        { "redis with host", "{type: pubsub.redis, version: v1, metadata: [{name: redisHost, value: 'r:6379'}, {name: consumerID, value: x}]}", null },
        { "redis without host", "{type: pubsub.redis, version: v1, metadata: [{name: redisPassword, value: ''}]}", "requires redisHost" },
        { "an unknown key", "{type: state.redis, version: v1, metadata: [{name: redisHost, value: 'r:6379'}, {name: redisHots, value: x}]}", "redisHots: not a key of state.redis" },
        { "a wrong version", "{type: state.redis, version: v2, metadata: [{name: redisHost, value: 'r:6379'}]}", "state.redis is v1" },
        { "an unknown type", "{type: pubsub.carrier-pigeon, version: v1, metadata: []}", "no Dapr component metadata" },
        { "snssqs dead letters without a receive limit", "{type: pubsub.aws.snssqs, version: v1, metadata: [{name: region, value: us-east-1}, {name: sqsDeadLettersQueueName, value: dlq}]}", "messageReceiveLimit and sqsDeadLettersQueueName must both be set" },
        { "snssqs dead letters with a receive limit", "{type: pubsub.aws.snssqs, version: v1, metadata: [{name: region, value: us-east-1}, {name: sqsDeadLettersQueueName, value: dlq}, {name: messageReceiveLimit, value: '10'}]}", null },
        { "kafka without brokers", "{type: pubsub.kafka, version: v1, metadata: [{name: authType, value: none}]}", "requires brokers" },
        { "dynamodb without table", "{type: state.aws.dynamodb, version: v1, metadata: [{name: region, value: us-east-1}]}", "requires table" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Dapr_metadata_rules(string label, string spec, string? expected)
    {
        var component = new JsonObject
        {
            ["apiVersion"] = "dapr.io/v1alpha1",
            ["kind"] = "Component",
            ["metadata"] = new JsonObject { ["name"] = "c" },
            ["spec"] = YamlDocuments.Parse(spec).OfType<JsonObject>().Single()
        };
        var errors = ComponentMetadata.Check(component);
        if (expected is null) Assert.True(errors.Count == 0, $"{label}: {string.Join("; ", errors)}");
        else Assert.True(errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"{label}: wanted \"{expected}\", got: {string.Join("; ", errors)}");
    }
}
