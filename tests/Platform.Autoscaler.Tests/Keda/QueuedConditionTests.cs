using System.Text.Json.Nodes;
using Platform.Autoscaler.PodAutoscalers;

namespace Platform.Autoscaler.Tests.Keda;

/// <summary>The PodAutoscaler condition that carries a request held at zero across autoscaler replicas and restarts.</summary>
public sealed class QueuedConditionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string?, bool> Rows => new()
    {
        // label, status before (JSON), queued after a decision of 1 is written
        { "no status yet", null, false },
        { "inactive at zero", """{"desiredScale":0,"conditions":[{"type":"Active","status":"False","reason":"NoTraffic"}]}""", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Queuing_marks_Active_Unknown_Queued_and_the_next_decision_clears_it(string label, string? before, bool queuedAfterDecision)
    {
        var status = before is null ? null : JsonNode.Parse(before)!.AsObject();
        var queued = PodAutoscalerStatusPatch.Queue(status, Now)["status"]!.AsObject();
        var pa = new JsonObject { ["status"] = Merge(status, queued) };
        Assert.True(PodAutoscalerStatusPatch.QueuedAt(pa) == Now, $"{label}: {pa.ToJsonString()}");

        var decided = PodAutoscalerStatusPatch.Build(pa["status"]!.AsObject(), 1, Now.AddSeconds(1))["status"]!.AsObject();
        var after = new JsonObject { ["status"] = Merge(pa["status"]!.AsObject(), decided) };
        Assert.Equal(queuedAfterDecision, PodAutoscalerStatusPatch.QueuedAt(after) is not null);
    }

    // RFC 7386 at the top of status: the patch's fields replace the status' (conditions is replaced whole).
    private static JsonObject Merge(JsonObject? status, JsonObject patch)
    {
        var result = (JsonObject?)status?.DeepClone() ?? new JsonObject();
        foreach (var (key, value) in patch) result[key] = value?.DeepClone();
        return result;
    }
}
