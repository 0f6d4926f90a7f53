using System.Globalization;
using Platform.Cli.Commands.Resources;
using Platform.Resources.Core;
using Platform.Resources.Serving;

namespace Platform.Cli.Commands.Service;

/// <summary>The flags of <c>service create</c>/<c>update</c> that shape the revision template, as given.</summary>
internal sealed record ServiceFlags
{
    /// <summary><c>--image</c>.</summary>
    public string? Image { get; init; }

    /// <summary><c>--cmd</c>: the container's command (local mode runs it as a process).</summary>
    public string? Command { get; init; }

    /// <summary><c>--arg</c>, repeatable.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary><c>--env K=V</c> / <c>--env K-</c>.</summary>
    public KeyValues Env { get; init; } = KeyValues.Empty;

    /// <summary><c>--port N</c>.</summary>
    public int? Port { get; init; }

    /// <summary><c>--concurrency-limit N</c>: <c>containerConcurrency</c>.</summary>
    public long? ConcurrencyLimit { get; init; }

    /// <summary><c>--scale-min N</c>: <c>autoscaling.knative.dev/min-scale</c>.</summary>
    public int? ScaleMin { get; init; }

    /// <summary><c>--scale-max N</c>: <c>autoscaling.knative.dev/max-scale</c>.</summary>
    public int? ScaleMax { get; init; }

    /// <summary><c>--annotation K=V</c>: on the Service and its revisions (autoscaling ones on revisions only), as kn.</summary>
    public KeyValues Annotations { get; init; } = KeyValues.Empty;

    /// <summary><c>--revision-name</c>, prefixed with <c>{service}-</c> unless it already is (as kn).</summary>
    public string? RevisionName { get; init; }

    /// <summary>True when no template flag was given.</summary>
    public bool IsEmpty => Image is null && Command is null && Args.Count == 0 && Env.IsEmpty && Port is null && ConcurrencyLimit is null &&
        ScaleMin is null && ScaleMax is null && Annotations.IsEmpty && RevisionName is null;

    /// <summary>The annotation of <c>--scale-min</c>.</summary>
    public const string MinScale = "autoscaling.knative.dev/min-scale";

    /// <summary>The annotation of <c>--scale-max</c>.</summary>
    public const string MaxScale = "autoscaling.knative.dev/max-scale";

    /// <summary>
    /// Applies the flags to <paramref name="spec"/> and the Service's <paramref name="serviceAnnotations"/> (pure
    /// apart from mutating its arguments). <paramref name="creating"/> requires an image or a command.
    /// </summary>
    public Dictionary<string, string>? ApplyTo(string serviceName, ServiceSpec spec, Dictionary<string, string>? serviceAnnotations, bool creating)
    {
        if (creating && Image is null && Command is null) throw new UsageException("give --image IMAGE or --cmd COMMAND");
        if (Args.Count > 0 && Command is null && creating && Image is null) throw new UsageException("--arg needs --cmd or --image");

        var template = spec.Template ??= new RevisionTemplateSpec();
        var revision = template.Spec ??= new RevisionSpec();
        revision.Containers ??= [];
        if (revision.Containers.Count == 0) revision.Containers.Add(new Container());
        var container = revision.ServingContainer()!;

        if (Image is not null) container.Image = Image;
        if (Command is not null) container.Command = [LocalPath(Command)];
        if (Args.Count > 0) container.Args = [.. Args.Select(a => LocalPath(a))];
        if (!Env.IsEmpty)
        {
            container.Env ??= [];
            container.Env.RemoveAll(e => Env.Remove.Contains(e.Name ?? "") || Env.Set.Any(s => s.Key == e.Name));
            container.Env.AddRange(Env.Set.Select(p => new EnvVar { Name = p.Key, Value = p.Value }));
            if (container.Env.Count == 0) container.Env = null;
        }
        if (Port is int port)
        {
            if (port is < 1 or > 65535) throw new UsageException($"--port {port.ToString(CultureInfo.InvariantCulture)}: must be a port number 1-65535");
            container.Ports = [new ContainerPortSpec { ContainerPort = port }];
        }
        if (ConcurrencyLimit is long limit) revision.ContainerConcurrency = limit;

        var templateMeta = template.Metadata ??= new Platform.Resources.Meta.ObjectMeta();
        var templateAnnotations = Annotations.ApplyTo(templateMeta.Annotations);
        if (ScaleMin is int min) (templateAnnotations ??= [])[MinScale] = min.ToString(CultureInfo.InvariantCulture);
        if (ScaleMax is int max) (templateAnnotations ??= [])[MaxScale] = max.ToString(CultureInfo.InvariantCulture);
        templateMeta.Annotations = templateAnnotations;

        var serviceOnly = new KeyValues([.. Annotations.Set.Where(p => !p.Key.StartsWith("autoscaling.knative.dev/", StringComparison.Ordinal))], Annotations.Remove);
        serviceAnnotations = serviceOnly.ApplyTo(serviceAnnotations);

        if (RevisionName is { Length: > 0 } name)
            templateMeta.Name = name.StartsWith(serviceName + "-", StringComparison.Ordinal) ? name : $"{serviceName}-{name}";
        else if (!creating && templateMeta.Name is not null)
            templateMeta.Name = null; // A fixed name would refuse the changed template: let the server number the new revision.

        if (templateMeta.Name is null && templateMeta.Annotations is null && templateMeta.Labels is null) template.Metadata = null;
        return serviceAnnotations;
    }

    /// <summary>
    /// A relative path that names an existing file here becomes absolute: the revision's process starts in another
    /// working directory, so <c>--arg samples/x/bin/x.dll</c> would not be found there. Anything else is kept as typed.
    /// </summary>
    public static string LocalPath(string value, string? baseDirectory = null)
    {
        if (value.Length == 0 || value.StartsWith('-') || Path.IsPathRooted(value) || !value.Contains('/')) return value;
        var full = Path.GetFullPath(value, baseDirectory ?? Environment.CurrentDirectory);
        return File.Exists(full) ? full : value;
    }
}
