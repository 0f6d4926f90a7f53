using Platform.Resources.Serving;
using Platform.ServingController.Reconcilers.Route;

namespace Platform.ServingController.Tests.Reconcilers;

/// <summary>Which Routes a revision's change is passed to.</summary>
public sealed class RouteReferencesTests
{
    [Theory]
    // case, spec traffic (revision:configuration;...), status traffic, revision, its configuration, expected
    [InlineData("spec names the configuration", ":hello", "", "hello-00002", "hello", true)]
    [InlineData("spec names the revision", "hello-00001:", "", "hello-00001", "hello", true)]
    [InlineData("spec names another revision of the same configuration, by name only", "hello-00001:", "", "hello-00002", "hello", false)]
    [InlineData("status still names the revision", "hello-00002:", "hello-00001:", "hello-00001", "hello", true)]
    [InlineData("another service's route", ":other", "other-00001:", "hello-00001", "hello", false)]
    [InlineData("split between two revisions, the second named", "hello-00001:;hello-00002:", "", "hello-00002", "hello", true)]
    [InlineData("no traffic at all", "", "", "hello-00001", "hello", false)]
    [InlineData("revision without a configuration label", ":hello", "", "hello-00001", "", false)]
    public void A_route_is_concerned_when_its_traffic_names_the_revision_or_its_configuration(
        string @case, string spec, string status, string revision, string configuration, bool expected)
    {
        var route = new Route
        {
            Spec = new RouteSpec { Traffic = Targets(spec) },
            Status = new RouteStatus { Traffic = Targets(status) },
        };
        Assert.True(expected == RouteReferences.Names(route, revision, configuration), @case);
    }

    private static List<TrafficTarget>? Targets(string text) =>
        text.Length == 0 ? null : text.Split(';').Select(t => t.Split(':')).Select(p => new TrafficTarget
        {
            RevisionName = p[0].Length > 0 ? p[0] : null,
            ConfigurationName = p[1].Length > 0 ? p[1] : null,
            Percent = 100,
        }).ToList();
}
