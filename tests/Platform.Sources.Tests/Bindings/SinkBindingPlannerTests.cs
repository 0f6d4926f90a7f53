using System.Globalization;
using System.Text.Json.Nodes;
using Platform.ControlPlane.Store;
using Platform.Eventing.Addressing;
using Platform.Resources.Core;
using Platform.Resources.Duck;
using Platform.Resources.Sources;
using Platform.Sources.Bindings;

namespace Platform.Sources.Tests.Bindings;

public class SinkBindingPlannerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture);
    private static readonly SubjectKinds Local = new(kubernetes: false);

    private static SinkBinding Binding(string? name = "hello", string? selector = null, string kind = "Service", string apiVersion = "serving.knative.dev/v1", string? subjectNs = null)
    {
        var binding = new SinkBinding();
        binding.Metadata.Name = "bind";
        binding.Metadata.Namespace = "default";
        binding.Metadata.Generation = 2;
        binding.Spec.Subject = new BindingReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = name,
            Namespace = subjectNs,
            Selector = selector is null ? null : new LabelSelector { MatchLabels = new() { ["app"] = selector } },
        };
        binding.Spec.CeOverrides = new CloudEventOverrides { Extensions = new() { ["team"] = "blue" } };
        return binding;
    }

    private static JsonObject Service(string name, string? app = null, string? recordedBy = null, string? sink = null)
    {
        var env = sink is null ? "" : $$$""","env":[{"name":"K_SINK","value":"{{{sink}}}"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]""";
        var labels = app is null ? "" : $$$""","labels":{"app":"{{{app}}}"}""";
        var annotations = recordedBy is null ? "" : $$$""","annotations":{"sources.platform.dev/sinkbinding":"{{{recordedBy}}}"}""";
        return JsonNode.Parse($$$$$"""
            {"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"{{{{{name}}}}}","namespace":"default","resourceVersion":"7"{{{{{labels}}}}}{{{{{annotations}}}}}},
             "spec":{"template":{"spec":{"containers":[{"image":"x"{{{{{env}}}}}}]}}}}
            """)!.AsObject();
    }

    private static SinkBindingPlan Plan(SinkBinding binding, Resolution sink, params JsonObject[] candidates) =>
        SinkBindingPlanner.Plan(binding, Local.Resolve(binding.Spec.Subject!.ApiVersion, binding.Spec.Subject.Kind), sink, candidates, Now);

    private static readonly Resolution Sink = Resolution.Ok(new Uri("http://sink.example/"));

    [Fact]
    public void A_named_service_gets_the_variables_and_the_record()
    {
        var plan = Plan(Binding(), Sink, Service("hello"), Service("other"));
        var change = Assert.Single(plan.Changes);
        Assert.Equal(("hello", true), (change.Name, change.Injected));
        var pod = BindingEnv.PodSpecOf(change.Updated)!;
        Assert.Equal("http://sink.example/", BindingEnv.ValueOf(pod, "K_SINK"));
        Assert.Equal("""{"extensions":{"team":"blue"}}""", BindingEnv.ValueOf(pod, "K_CE_OVERRIDES"));
        Assert.Equal("bind", change.Updated.Annotations()["sources.platform.dev/sinkbinding"]);
        Assert.Equal("7", change.Updated.ResourceVersion());
        Assert.Equal(("True", "True", "True"), (plan.Status.GetCondition("Ready")!.Status, plan.Status.GetCondition("SinkProvided")!.Status, plan.Status.GetCondition("SinkBindingAvailable")!.Status));
        Assert.Equal("http://sink.example/", plan.Status.SinkUri);
        Assert.Equal(2, plan.Status.ObservedGeneration);
    }

    // label, binding, sink resolves, candidates (name:app:recordedBy:sink), want Ready, reason, changes (name+ or name- for injected or released)
    [Theory]
    [InlineData("bound and current: nothing to write", "name", true, "hello::bind:http://sink.example/", "True", null, "")]
    [InlineData("the sink moved: rewritten", "name", true, "hello::bind:http://old/", "True", null, "hello+")]
    [InlineData("missing subject", "name", true, "other", "False", "SubjectMissing", "")]
    [InlineData("selector picks the matching ones", "selector", true, "a:web,b:web,c:db", "True", null, "a+,b+")]
    [InlineData("selector matching nothing binds nothing yet", "selector", true, "c:db", "True", null, "")]
    [InlineData("a subject that stopped matching is released", "selector", true, "a:web,c:db:bind:http://sink.example/", "True", null, "a+,c-")]
    [InlineData("bound by another binding", "name", true, "hello::other-binding", "False", "SubjectBound", "")]
    [InlineData("sink unresolved: subjects left as they are", "name", false, "hello::bind:http://old/", "False", "NotFound", "")]
    [InlineData("a kind that does not run locally", "deployment", true, "hello", "False", "InvalidSubject", "")]
    [InlineData("another namespace", "other-namespace", true, "hello", "False", "InvalidSubject", "")]
    public void Subjects_and_status(string label, string binding, bool resolves, string candidates, string ready, string? reason, string changes)
    {
        var b = binding switch
        {
            "selector" => Binding(name: null, selector: "web"),
            "deployment" => Binding(kind: "Deployment", apiVersion: "apps/v1"),
            "other-namespace" => Binding(subjectNs: "elsewhere"),
            _ => Binding(),
        };
        var objects = candidates.Split(',').Select(c => c.Split(':', 4)).Select(p =>
            Service(p[0], p.ElementAtOrDefault(1) is { Length: > 0 } app ? app : null, p.ElementAtOrDefault(2) is { Length: > 0 } by ? by : null,
                p.ElementAtOrDefault(3))).ToArray();
        var plan = Plan(b, resolves ? Sink : Resolution.Fail("Broker default/b not found"), objects);
        Assert.True(ready == plan.Status.GetCondition("Ready")!.Status, $"{label}: {plan.Status.GetCondition("Ready")!.Reason} {plan.Status.GetCondition("Ready")!.Message}");
        Assert.Equal(reason, plan.Status.GetCondition("Ready")!.Reason);
        Assert.Equal(changes, string.Join(',', plan.Changes.Select(c => c.Name + (c.Injected ? "+" : "-")).Order(StringComparer.Ordinal)));
        foreach (var released in plan.Changes.Where(c => !c.Injected))
        {
            Assert.Null(BindingEnv.ValueOf(BindingEnv.PodSpecOf(released.Updated)!, "K_SINK"));
            Assert.False(released.Updated.Annotations().ContainsKey("sources.platform.dev/sinkbinding"));
        }
    }

    [Fact]
    public void Messages_name_the_subject_and_the_field()
    {
        Assert.Equal("Service \"hello\" not found in namespace \"default\"",
            Plan(Binding(), Sink, Service("other")).Status.GetCondition("SinkBindingAvailable")!.Message);
        Assert.Equal("Service \"hello\" is bound by SinkBinding \"first\"",
            Plan(Binding(), Sink, Service("hello", recordedBy: "first")).Status.GetCondition("SinkBindingAvailable")!.Message);
        Assert.Equal("spec.subject.namespace: \"elsewhere\" is not the binding's namespace \"default\"",
            Plan(Binding(subjectNs: "elsewhere"), Sink).Status.GetCondition("Ready")!.Message);
    }

    [Fact]
    public void Release_undoes_only_what_this_binding_recorded()
    {
        var changes = SinkBindingPlanner.Release("bind", [Service("a", recordedBy: "bind", sink: "http://s/"), Service("b", recordedBy: "other", sink: "http://s/"), Service("c")]);
        var change = Assert.Single(changes);
        Assert.Equal("a", change.Name);
        Assert.Equal("""{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a","namespace":"default","resourceVersion":"7"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""",
            change.Updated.ToJsonString());
    }

    [Fact]
    public void A_failed_write_makes_the_binding_not_ready_with_the_api_message()
    {
        var status = SinkBindingPlanner.Failed(Plan(Binding(), Sink, Service("hello")).Status, "Service \"hello\": admission refused", Now);
        Assert.Equal(("False", "BindingFailed", "Service \"hello\": admission refused"),
            (status.GetCondition("Ready")!.Status, status.GetCondition("Ready")!.Reason, status.GetCondition("Ready")!.Message));
    }
}
