using Platform.Sources.Bindings;

namespace Platform.Sources.Tests.Bindings;

public class SubjectKindsTests
{
    // apiVersion, kind, kubernetes mode, want plural (null: refused), refusal fragment
    [Theory]
    [InlineData("serving.knative.dev/v1", "Service", false, "services", null)]
    [InlineData("serving.knative.dev/v1", "Service", true, "services", null)]
    [InlineData("apps/v1", "Deployment", true, "deployments", null)]
    [InlineData("batch/v1", "Job", true, "jobs", null)]
    [InlineData("apps/v1", "StatefulSet", true, "statefulsets", null)]
    [InlineData("apps/v1", "Deployment", false, null, "does not run locally")]
    [InlineData("v1", "Pod", true, null, "has no pod template to bind")]
    [InlineData("", "Service", false, null, "apiVersion and kind are required")]
    public void Resolve(string apiVersion, string kind, bool kubernetes, string? plural, string? error)
    {
        var (resolved, why) = new SubjectKinds(kubernetes).Resolve(apiVersion, kind);
        Assert.Equal(plural, resolved?.Plural);
        if (error is null) Assert.Null(why);
        else Assert.Contains(error, why);
        if (why is not null) Assert.StartsWith("spec.subject", why);
    }
}
