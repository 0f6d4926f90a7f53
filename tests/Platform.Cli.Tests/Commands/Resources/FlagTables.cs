using Platform.Cli.Commands.Resources;
using Platform.Cli.Commands.Service;
using Platform.Resources.Serving;

namespace Platform.Cli.Tests.Commands.Resources;

/// <summary>Tables for the pure parts behind the flags: traffic, tags, sinks, KEY=VALUE lists, service templates.</summary>
public sealed class FlagTables
{
    // Traffic is written compactly: "@latest=100", "rev-1=50#tag", "@latest=0#current".
    private static List<TrafficTarget> Traffic(string text) => text.Length == 0 ? [] : [.. text.Split(' ').Select(t =>
    {
        var (id, rest) = (t[..t.IndexOf('=')], t[(t.IndexOf('=') + 1)..]);
        var hash = rest.IndexOf('#');
        var percent = long.Parse(hash < 0 ? rest : rest[..hash]);
        var tag = hash < 0 ? null : rest[(hash + 1)..];
        return id == "@latest"
            ? new TrafficTarget { LatestRevision = true, Percent = percent, Tag = tag }
            : new TrafficTarget { RevisionName = id, LatestRevision = false, Percent = percent, Tag = tag };
    })];

    private static string Text(IEnumerable<TrafficTarget> targets) => string.Join(' ', targets.Select(t =>
        $"{(t.LatestRevision == true ? "@latest" : t.RevisionName)}={t.Percent}{(t.Tag is null ? "" : "#" + t.Tag)}"));

    [Theory]
    [InlineData("no flags keeps the default", "", "", "", "", "@latest=100")]
    [InlineData("tag latest", "@latest=100", "@latest=current", "", "", "@latest=100#current")]
    [InlineData("tag a revision not in the block adds it at 0%", "@latest=100", "hello-1=old", "", "", "@latest=100 hello-1=0#old")]
    [InlineData("split by revision names", "@latest=100", "", "", "hello-1=20,@latest=80", "@latest=80 hello-1=20")]
    [InlineData("split by tag", "@latest=100#current hello-1=0#old", "", "", "old=10,current=90", "@latest=90#current hello-1=10#old")]
    [InlineData("repeated --traffic flags add up", "@latest=100", "", "", "hello-1=30 hello-2=70", "hello-1=30 hello-2=70")]
    [InlineData("targets not named drop to 0 and go when untagged", "hello-1=50 hello-2=50", "", "", "hello-2=100", "hello-2=100")]
    [InlineData("a second tag on latest adds a 0% target", "@latest=100#current", "@latest=v2", "", "", "@latest=100#current @latest=0#v2")]
    [InlineData("untag keeps the percent", "@latest=100#current", "", "current", "", "@latest=100")]
    [InlineData("untag of a 0% target removes it", "@latest=100 hello-1=0#old", "", "old", "", "@latest=100")]
    [InlineData("percent sign accepted", "@latest=100", "", "", "@latest=100%", "@latest=100")]
    [InlineData("sums are left to validation", "@latest=100", "", "", "@latest=90", "@latest=90")]
    public void Traffic_flags(string label, string current, string tags, string untags, string traffic, string want)
    {
        static IReadOnlyList<string> Words(string s) => s.Length == 0 ? [] : s.Split(' ');
        var got = TrafficEditor.Compute(Traffic(current), new TrafficFlags(Words(tags), Words(untags), Words(traffic)));
        Assert.True(want == Text(got), $"{label}: want {want}, got {Text(got)}");
    }

    [Theory]
    [InlineData("@latest=100#current", "hello-1=current", "", "", "already in use")]
    [InlineData("@latest=100", "", "nope", "", "no traffic target has this tag")]
    [InlineData("@latest=100", "", "", "@latest=abc", "must be an integer between 0 and 100")]
    [InlineData("@latest=100", "", "", "@latest=101", "must be an integer between 0 and 100")]
    [InlineData("@latest=100", "", "", "@latest=-1", "must be an integer between 0 and 100")]
    [InlineData("@latest=100", "", "", "@latest=50,@latest=50", "given more than once")]
    [InlineData("@latest=100", "", "", "=100", "expected REVISION=PERCENT")]
    [InlineData("@latest=100", "latest", "", "", "expected REVISION=TAG")]
    public void Traffic_flags_refused(string current, string tags, string untags, string traffic, string message)
    {
        static IReadOnlyList<string> Words(string s) => s.Length == 0 ? [] : s.Split(' ');
        var flags = new TrafficFlags(Words(tags), Words(untags), Words(traffic));
        var e = Assert.Throws<UsageException>(() => TrafficEditor.Compute(Traffic(current), flags));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("ksvc:hello", "serving.knative.dev/v1", "Service", "hello", null, null)]
    [InlineData("hello", "serving.knative.dev/v1", "Service", "hello", null, null)]
    [InlineData("ksvc:hello:other", "serving.knative.dev/v1", "Service", "hello", "other", null)]
    [InlineData("broker:default", "eventing.knative.dev/v1", "Broker", "default", null, null)]
    [InlineData("channel:orders", "messaging.knative.dev/v1", "Channel", "orders", null, null)]
    [InlineData("imc:orders", "messaging.knative.dev/v1", "InMemoryChannel", "orders", null, null)]
    [InlineData("svc:legacy", "v1", "Service", "legacy", null, null)]
    [InlineData("http://example.com/events", null, null, null, null, "http://example.com/events")]
    [InlineData("https://example.com", null, null, null, null, "https://example.com")]
    public void Sinks_as_kn_parses_them(string text, string? apiVersion, string? kind, string? name, string? ns, string? uri)
    {
        var d = Sinks.Parse("--sink", text);
        Assert.Equal(apiVersion, d.Ref?.ApiVersion);
        Assert.Equal(kind, d.Ref?.Kind);
        Assert.Equal(name, d.Ref?.Name);
        Assert.Equal(ns, d.Ref?.Namespace);
        Assert.Equal(uri, d.Uri);
    }

    [Theory]
    [InlineData("", "the sink is empty")]
    [InlineData("queue:orders", "unknown sink prefix \"queue\"")]
    [InlineData("ksvc:", "the name is empty")]
    [InlineData("a:b:c:d", "expected PREFIX:NAME[:NAMESPACE] or a URL")]
    [InlineData("http://", "not a valid URL")]
    public void Sinks_refused(string text, string message)
    {
        var e = Assert.Throws<UsageException>(() => Sinks.Parse("--sink", text));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("--sink", e.Message);
    }

    [Theory]
    [InlineData("A=1", "A=1", "")]
    [InlineData("A=1 B=x=y", "A=1 B=x=y", "")]
    [InlineData("A=1 A=2", "A=2", "")]
    [InlineData("A= B-", "A=", "B")]
    [InlineData("_K_=v", "K=v", "")]
    public void Key_values(string given, string set, string remove)
    {
        var kv = KeyValues.Parse("--env", given.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Replace("_", " ")));
        Assert.Equal(set, string.Join(' ', kv.Set.Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(remove, string.Join(' ', kv.Remove));
    }

    [Theory]
    [InlineData("NOVALUE", true, "expected KEY=VALUE (or KEY- to remove)")]
    [InlineData("=v", true, "the key is empty")]
    [InlineData("K-", false, "expected KEY=VALUE")]
    public void Key_values_refused(string given, bool allowRemove, string message)
    {
        var e = Assert.Throws<UsageException>(() => KeyValues.Parse("--filter", [given], allowRemove));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Service_flags_fill_the_template_as_kn_does()
    {
        var spec = new ServiceSpec();
        var annotations = new ServiceFlags
        {
            Image = "img",
            Command = "/app/server",
            Args = ["--verbose"],
            Env = KeyValues.Parse("--env", ["A=1"]),
            Port = 9000,
            ConcurrencyLimit = 5,
            ScaleMin = 1,
            ScaleMax = 3,
            Annotations = KeyValues.Parse("--annotation", ["team=web", "autoscaling.knative.dev/target=50"]),
            RevisionName = "v1",
        }.ApplyTo("hello", spec, null, creating: true);

        var container = spec.Template!.Spec!.Containers![0];
        Assert.Equal("img", container.Image);
        Assert.Equal(["/app/server"], container.Command!);
        Assert.Equal(["--verbose"], container.Args!);
        Assert.Equal(9000, container.Ports![0].ContainerPort);
        Assert.Equal(5, spec.Template.Spec.ContainerConcurrency);
        Assert.Equal("hello-v1", spec.Template.Metadata!.Name);
        Assert.Equal("1", spec.Template.Metadata.Annotations![ServiceFlags.MinScale]);
        Assert.Equal("3", spec.Template.Metadata.Annotations[ServiceFlags.MaxScale]);
        Assert.Equal("50", spec.Template.Metadata.Annotations["autoscaling.knative.dev/target"]);
        Assert.Equal("web", spec.Template.Metadata.Annotations["team"]);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "web" }, annotations);
    }

    [Fact]
    public void Relative_paths_of_existing_files_become_absolute_because_the_revision_runs_elsewhere()
    {
        var dir = Directory.CreateTempSubdirectory("cli-paths-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "bin"));
            File.WriteAllText(Path.Combine(dir.FullName, "bin", "app.dll"), "");
            var here = dir.FullName;
            Assert.Equal(Path.Combine(here, "bin", "app.dll"), ServiceFlags.LocalPath("bin/app.dll", here));
            Assert.Equal("bin/missing.dll", ServiceFlags.LocalPath("bin/missing.dll", here)); // not a file here: kept as typed
            Assert.Equal("dotnet", ServiceFlags.LocalPath("dotnet", here));                   // a bare name is looked up on PATH
            Assert.Equal("--port=8080", ServiceFlags.LocalPath("--port=8080", here));
            Assert.Equal("/app/server", ServiceFlags.LocalPath("/app/server", here));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Updating_drops_a_fixed_revision_name_and_edits_env_in_place()
    {
        var spec = new ServiceSpec();
        new ServiceFlags { Image = "a", Env = KeyValues.Parse("--env", ["A=1", "B=2"]), RevisionName = "hello-one" }.ApplyTo("hello", spec, null, creating: true);
        Assert.Equal("hello-one", spec.Template!.Metadata!.Name);
        new ServiceFlags { Env = KeyValues.Parse("--env", ["A-", "C=3"]) }.ApplyTo("hello", spec, null, creating: false);
        Assert.Null(spec.Template.Metadata);
        Assert.Equal(["B", "C"], spec.Template.Spec!.Containers![0].Env!.Select(e => e.Name!));
        Assert.Equal("a", spec.Template.Spec.Containers[0].Image);
    }

    [Theory]
    [InlineData(true, null, null, "give --image IMAGE or --cmd COMMAND")]
    [InlineData(true, "x", 0, "--port 0: must be a port number 1-65535")]
    [InlineData(true, "x", 70000, "--port 70000: must be a port number 1-65535")]
    public void Service_flags_refused(bool creating, string? image, int? port, string message)
    {
        var e = Assert.Throws<UsageException>(() => new ServiceFlags { Image = image, Port = port }.ApplyTo("hello", new ServiceSpec(), null, creating));
        Assert.Contains(message, e.Message);
    }
}
