using System.CommandLine;
using Platform.ControlPlane.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Kubernetes;
using Platform.ControlPlane.Store;

namespace Platform.Cli.Client;

/// <summary>
/// The options choosing which control plane a resource command talks to: the local API (<c>--server</c>,
/// <c>PLATFORM_SERVER</c>, default <see cref="DefaultServer"/>) or a cluster (<c>--kubeconfig</c>/<c>--context</c>).
/// Added once to each top-level resource command, recursively, so every subcommand accepts them.
/// </summary>
internal sealed class Connection
{
    /// <summary>The local API's address when nothing else is given (serving-controller's app port in dapr.yaml).</summary>
    public const string DefaultServer = "http://127.0.0.1:5100";

    /// <summary>Environment variable naming the local API's address.</summary>
    public const string ServerVariable = "PLATFORM_SERVER";

    /// <summary><c>--server URL</c>.</summary>
    public Option<string?> Server { get; } = new("--server")
    {
        HelpName = "URL",
        Description = $"Address of the Platform API (local mode; default ${ServerVariable} or {DefaultServer})",
        Recursive = true,
    };

    /// <summary><c>--kubeconfig FILE</c>.</summary>
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        HelpName = "FILE",
        Description = "Talk to a Kubernetes cluster through this kubeconfig instead of the local API",
        Recursive = true,
    };

    /// <summary><c>--context NAME</c>.</summary>
    public Option<string?> Context { get; } = new("--context")
    {
        HelpName = "NAME",
        Description = "Kubeconfig context to use (implies Kubernetes mode)",
        Recursive = true,
    };

    /// <summary><c>-n/--namespace NS</c>.</summary>
    public Option<string> Namespace { get; } = new("--namespace", "-n")
    {
        HelpName = "NS",
        Description = "Namespace",
        DefaultValueFactory = _ => "default",
        Recursive = true,
    };

    /// <summary>Adds every option to <paramref name="command"/> (recursive: its subcommands see them too).</summary>
    public T AddTo<T>(T command) where T : Command
    {
        command.Options.Add(Server);
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Namespace);
        return command;
    }

    /// <summary>
    /// The client the parsed options ask for.
    /// </summary>
    /// <exception cref="ArgumentException">A malformed <c>--server</c> or an unusable kubeconfig (a usage error).</exception>
    public IResourceStore Open(ParseResult parse, ResourceKinds kinds)
    {
        var kubeconfig = parse.GetValue(Kubeconfig);
        var context = parse.GetValue(Context);
        var server = parse.GetValue(Server);
        if (kubeconfig is not null || context is not null)
        {
            if (server is not null) throw new ArgumentException("--server: cannot be combined with --kubeconfig/--context (choose local or Kubernetes mode)");
            if (kubeconfig is not null && !File.Exists(kubeconfig)) throw new ArgumentException($"--kubeconfig: file \"{kubeconfig}\" not found");
            return KubernetesResourceStore.FromConfig(kubeconfig, context, kinds);
        }

        var (url, source) = server is not null ? (server, "--server")
            : Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } env ? (env, ServerVariable)
            : (DefaultServer, "default");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"{source}: \"{url}\" is not an http(s) URL");
        return HttpResourceStore.Create(uri, ApiToken.Find(Environment.CurrentDirectory));
    }

    /// <summary>The namespace asked for.</summary>
    public string NamespaceOf(ParseResult parse) => parse.GetValue(Namespace) ?? "default";
}
