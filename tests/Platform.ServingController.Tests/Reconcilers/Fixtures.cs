using Platform.Resources.Core;
using Platform.Resources.Meta;
using Platform.Resources.Serving;
using ServingConfiguration = Platform.Resources.Serving.Configuration;
using ServingRevision = Platform.Resources.Serving.Revision;
using ServingRoute = Platform.Resources.Serving.Route;
using ServingService = Platform.Resources.Serving.Service;

namespace Platform.ServingController.Tests.Reconcilers;

/// <summary>Objects for the reconciler tables, Knative's hello-world shapes.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static RevisionTemplateSpec Template(string target = "World", string? name = null) => new()
    {
        Metadata = name is null ? null : new ObjectMeta { Name = name },
        Spec = new RevisionSpec
        {
            Containers = [new Container { Command = ["dotnet"], Args = ["helloworld.dll"], Env = [new EnvVar { Name = "TARGET", Value = target }] }],
        },
    };

    public static ServingService Service(string name = "hello", List<TrafficTarget>? traffic = null, long generation = 1)
    {
        var s = new ServingService { Spec = new ServiceSpec { Template = Template(), Traffic = traffic ?? [new TrafficTarget { LatestRevision = true, Percent = 100 }] } };
        s.Metadata.Name = name;
        s.Metadata.Namespace = "default";
        s.Metadata.Uid = "uid-svc";
        s.Metadata.Generation = generation;
        return s;
    }

    public static ServingConfiguration Configuration(string name = "hello", long generation = 1, string? latestCreated = null, string? latestReady = null,
        string? ready = null, long? observed = null, string? chosen = null)
    {
        var c = new ServingConfiguration { Spec = new ConfigurationSpec { Template = Template(name: chosen) } };
        c.Metadata.Name = name;
        c.Metadata.Namespace = "default";
        c.Metadata.Uid = "uid-cfg";
        c.Metadata.Generation = generation;
        c.Metadata.Labels = new() { ["serving.knative.dev/service"] = name };
        if (ready is not null || latestCreated is not null || observed is not null)
        {
            c.Status = new ConfigurationStatus { ObservedGeneration = observed ?? generation, LatestCreatedRevisionName = latestCreated, LatestReadyRevisionName = latestReady };
            if (ready is not null) c.Status.SetCondition(ConditionTypes.Ready, ready, Now, ready == "True" ? null : "Reason", ready == "True" ? null : "message");
        }
        return c;
    }

    public static ServingRevision Revision(string name, string? ready = null)
    {
        var r = new ServingRevision { Spec = Template().Spec! };
        r.Metadata.Name = name;
        r.Metadata.Namespace = "default";
        r.Metadata.Generation = 1;
        if (ready is not null)
        {
            r.Status = new RevisionStatus();
            r.Status.SetCondition(ConditionTypes.Ready, ready, Now, ready == "True" ? null : "ExitCode1", ready == "True" ? null : "boom");
        }
        return r;
    }

    public static ServingRoute Route(string name = "hello", long generation = 1, params TrafficTarget[] traffic)
    {
        var r = new ServingRoute { Spec = new RouteSpec { Traffic = [.. traffic] } };
        r.Metadata.Name = name;
        r.Metadata.Namespace = "default";
        r.Metadata.Generation = generation;
        return r;
    }

    public static ServingRoute RouteWithStatus(string ready, long observed = 1, params TrafficTarget[] statusTraffic)
    {
        var r = Route();
        r.Status = new RouteStatus { ObservedGeneration = observed, Url = "http://hello.default.localhost:8080", Traffic = [.. statusTraffic] };
        r.Status.SetCondition(ConditionTypes.Ready, ready, Now, ready == "True" ? null : "RevisionMissing", ready == "True" ? null : "waiting");
        return r;
    }
}
