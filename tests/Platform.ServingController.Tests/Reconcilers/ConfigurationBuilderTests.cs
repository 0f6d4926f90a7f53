using Platform.Resources.Meta;
using Platform.ServingController.Reconcilers.Configuration.Builders;
using Platform.Testing;
using static Platform.ServingController.Tests.Reconcilers.Fixtures;

namespace Platform.ServingController.Tests.Reconcilers;

public sealed class ConfigurationBuilderTests
{
    [Theory]
    [InlineData("first generation", 1, null, "hello-00001")]
    [InlineData("template changed", 2, null, "hello-00002")]
    [InlineData("many changes", 12345, null, "hello-12345")]
    [InlineData("user-chosen name", 3, "hello-blue", "hello-blue")]
    public void Revision_name_comes_from_the_generation_or_the_template(string label, long generation, string? chosen, string want)
    {
        var revision = RevisionStamp.Make(Configuration(generation: generation, chosen: chosen));
        Assert.True(want == revision.Metadata.Name, $"{label}: want {want}, got {revision.Metadata.Name}");
        Assert.Equal("hello", revision.Metadata.Labels!["serving.knative.dev/configuration"]);
        Assert.Equal(generation.ToString(System.Globalization.CultureInfo.InvariantCulture), revision.Metadata.Labels["serving.knative.dev/configurationGeneration"]);
        Assert.Equal("hello", revision.Metadata.Labels["serving.knative.dev/service"]);
        Assert.Equal("uid-cfg", Assert.Single(revision.Metadata.OwnerReferences!).Uid);
        Assert.Equal("World", revision.Spec.Containers![0].Env![0].Value);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("hello-blue", true)]
    [InlineData("blue", false)]
    [InlineData("hello-", false)]
    [InlineData("helloblue", false)]
    public void Chosen_names_must_start_with_the_configuration(string? chosen, bool ok)
    {
        var error = RevisionStamp.CheckChosenName(Configuration(chosen: chosen));
        Assert.Equal(ok, error is null);
        if (!ok) Assert.Contains("spec.template.metadata.name", error);
    }

    [Fact]
    public void Same_template_gives_same_revision_and_a_changed_one_differs()
    {
        var a = RevisionStamp.Make(Configuration());
        Assert.False(RevisionStamp.Differs(a, RevisionStamp.Make(Configuration())));
        var changed = Configuration();
        changed.Spec.Template!.Spec!.Containers![0].Env![0].Value = "Knative";
        Assert.True(RevisionStamp.Differs(a, RevisionStamp.Make(changed)));
    }

    // label | previous latestReady | latest revision Ready | want Ready, reason, latestCreated, latestReady
    [Theory]
    [InlineData("not created yet", null, null, false, "Unknown", "Deploying", null, null)]
    [InlineData("first revision deploying", null, "Unknown", true, "Unknown", "Reason", "hello-00001", null)]
    [InlineData("first revision ready", null, "True", true, "True", null, "hello-00001", "hello-00001")]
    [InlineData("first revision failed", null, "False", true, "False", "RevisionFailed", "hello-00001", null)]
    [InlineData("second deploying keeps latest ready", "hello-00001", "Unknown", true, "Unknown", "Reason", "hello-00002", "hello-00001")]
    [InlineData("second failed keeps latest ready", "hello-00001", "False", true, "False", "RevisionFailed", "hello-00002", "hello-00001")]
    [InlineData("second ready moves latest ready", "hello-00001", "True", true, "True", null, "hello-00002", "hello-00002")]
    public void Configuration_status_follows_its_latest_revision(string label, string? previousReady, string? revisionReady, bool exists,
        string want, string? wantReason, string? wantCreated, string? wantReady)
    {
        var generation = previousReady is null ? 1 : 2;
        var config = Configuration(generation: generation);
        var previous = previousReady is null ? null : new Platform.Resources.Serving.ConfigurationStatus { LatestReadyRevisionName = previousReady, LatestCreatedRevisionName = previousReady };
        var latest = exists ? Revision($"hello-0000{generation}", revisionReady) : null;
        if (latest is not null && revisionReady == "Unknown") latest.Status!.Conditions![0].Reason = "Reason";
        var status = ConfigurationStatusBuilder.Build(config, latest, previous, Now);
        var ready = status.GetCondition(ConditionTypes.Ready)!;
        var got = $"{ready.Status}/{ready.Reason}/{status.LatestCreatedRevisionName}/{status.LatestReadyRevisionName}";
        var wanted = $"{want}/{wantReason}/{wantCreated}/{wantReady}";
        Assert.True(wanted == got, $"{label}: want {wanted}, got {got}");
        Assert.Equal(generation, status.ObservedGeneration);
        if (want == "False") Assert.Contains("boom", ready.Message);
    }

    [Fact]
    public void Transition_time_moves_only_when_the_status_flips()
    {
        var config = Configuration();
        var first = ConfigurationStatusBuilder.Build(config, Revision("hello-00001", "Unknown"), null, Now);
        var again = ConfigurationStatusBuilder.Build(config, Revision("hello-00001", "Unknown"), first, Now.AddMinutes(1));
        Assert.Equal(Now, again.GetCondition("Ready")!.LastTransitionTime);
        var flipped = ConfigurationStatusBuilder.Build(config, Revision("hello-00001", "True"), again, Now.AddMinutes(2));
        Assert.Equal(Now.AddMinutes(2), flipped.GetCondition("Ready")!.LastTransitionTime);
    }
}

public sealed class RevisionCollectorTests
{
    private static readonly GcSettings Knative = new();

    private static GcCandidate Rev(int n, double ageHours, double activeHoursAgo = -1, bool active = false, bool noGc = false) =>
        new($"hello-{n:00000}", Now.AddHours(-ageHours), Now.AddHours(-(activeHoursAgo < 0 ? ageHours : activeHoursAgo)), active, noGc);

    internal static readonly Rows<GcSettings, GcCandidate[], string> CasesRows = new()
    {
        { "few revisions: nothing", Knative, [Rev(1, 100), Rev(2, 90, active: true)], "" },
        {
            "min-non-active keeps the newest 20 even when stale",
            Knative, [.. Enumerable.Range(1, 22).Select(i => Rev(i, 200 - i)), Rev(23, 1, active: true)], "hello-00001,hello-00002"
        },
        {
            "young revisions are retained (48h since create)",
            Knative with { MinNonActiveRevisions = 0 }, [Rev(1, 47), Rev(2, 100, activeHoursAgo: 10), Rev(3, 100), Rev(4, 1, active: true)], "hello-00003"
        },
        {
            "routed and no-gc revisions are never collected",
            Knative with { MinNonActiveRevisions = 0 }, [Rev(1, 500, active: true), Rev(2, 500, noGc: true), Rev(3, 500)], "hello-00003"
        },
        {
            "max-non-active keeps the 2 newest",
            Knative with { MinNonActiveRevisions = 1, MaxNonActiveRevisions = 2 }, [Rev(1, 4), Rev(2, 3), Rev(3, 2), Rev(4, 1)], "hello-00001,hello-00002"
        },
        {
            "retention disabled: only the max rule",
            Knative with { MinNonActiveRevisions = 0, MaxNonActiveRevisions = 1, RetainSinceCreateTime = TimeSpan.FromSeconds(-1), RetainSinceLastActiveTime = TimeSpan.FromSeconds(-1) },
            [Rev(1, 500), Rev(2, 400)], "hello-00001"
        },
    };

    public static TheoryData<string> Cases => CasesRows.Labels;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Collects_like_knatives_gc(string label)
    {
        var (settings, revisions, want) = CasesRows[label];
        var got = string.Join(",", RevisionCollector.Collect(revisions, settings, Now).OrderBy(n => n, StringComparer.Ordinal));
        Assert.True(want == got, $"{label}: want [{want}], got [{got}]");
    }
}
