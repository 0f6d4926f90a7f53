using Platform.Cli.Runner.Launch;

namespace Platform.Cli.Runner.Processes;

/// <summary>What the runner starts: the role tells apps, sidecars and Redis apart in state and messages.</summary>
internal enum ProcessRole
{
    /// <summary>The app's own command.</summary>
    App,

    /// <summary>The app's Dapr sidecar.</summary>
    Sidecar,

    /// <summary>A redis-server the runner started.</summary>
    Redis,
}

/// <summary>A process to start.</summary>
/// <param name="Name">Name in log prefixes and messages (<c>activator</c>, <c>activator (dapr)</c>).</param>
/// <param name="AppId">The app it belongs to (<c>redis</c> for Redis).</param>
/// <param name="Role">What it is.</param>
/// <param name="Command">Program and arguments.</param>
/// <param name="WorkingDirectory">Where it runs.</param>
/// <param name="Environment">Changes to the inherited environment.</param>
internal sealed record ProcessSpec(string Name, string AppId, ProcessRole Role, IReadOnlyList<string> Command,
    string WorkingDirectory, EnvironmentChange Environment);
