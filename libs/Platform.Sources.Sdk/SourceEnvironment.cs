using System.Globalization;

namespace Platform.Sources.Sdk;

/// <summary>
/// What the platform tells a source process through its environment, as Knative's SinkBinding and ContainerSource
/// do: <c>K_SINK</c> (where to send, required), <c>K_CE_OVERRIDES</c> (extensions to add to every event, JSON),
/// <c>K_SINK_TIMEOUT</c> (seconds one delivery attempt may take), <c>NAME</c> and <c>NAMESPACE</c> (the source object).
/// </summary>
/// <param name="Sink">Where events go.</param>
/// <param name="Overrides">Extensions added to every event.</param>
/// <param name="SinkTimeout">Timeout of one delivery attempt, or null for the sender's default.</param>
/// <param name="Name">The source's name, or null.</param>
/// <param name="Namespace">The source's namespace, or null.</param>
public sealed record SourceEnvironment(Uri Sink, CeOverrides Overrides, TimeSpan? SinkTimeout, string? Name, string? Namespace)
{
    /// <summary><c>K_SINK</c>.</summary>
    public const string SinkVariable = "K_SINK";

    /// <summary><c>K_CE_OVERRIDES</c>.</summary>
    public const string OverridesVariable = "K_CE_OVERRIDES";

    /// <summary><c>K_SINK_TIMEOUT</c>.</summary>
    public const string SinkTimeoutVariable = "K_SINK_TIMEOUT";

    /// <summary>
    /// Reads the variables through <paramref name="variable"/> (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>).
    /// </summary>
    /// <exception cref="SourceConfigurationException">A variable is missing or malformed; the message names it.</exception>
    public static SourceEnvironment Read(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var sink = variable(SinkVariable);
        if (string.IsNullOrWhiteSpace(sink))
            throw new SourceConfigurationException(SinkVariable, "is not set: run this program as a ContainerSource, or bind it with a SinkBinding, or set it to an http(s) URL");
        if (!Uri.TryCreate(sink.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new SourceConfigurationException(SinkVariable, $"\"{sink}\" is not an absolute http(s) URL");
        if (!CeOverrides.TryParse(variable(OverridesVariable), out var overrides, out var error))
            throw new SourceConfigurationException(OverridesVariable, error!);
        TimeSpan? timeout = null;
        if (variable(SinkTimeoutVariable) is { Length: > 0 } seconds)
        {
            if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s <= 0)
                throw new SourceConfigurationException(SinkTimeoutVariable, $"\"{seconds}\" is not a positive number of seconds");
            timeout = TimeSpan.FromSeconds(s);
        }
        return new SourceEnvironment(uri, overrides, timeout, Blank(variable("NAME")), Blank(variable("NAMESPACE")));
    }

    /// <summary>Reads this process's environment.</summary>
    /// <exception cref="SourceConfigurationException">A variable is missing or malformed; the message names it.</exception>
    public static SourceEnvironment FromProcess() => Read(Environment.GetEnvironmentVariable);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>A source's environment is missing a variable or has a malformed one.</summary>
public sealed class SourceConfigurationException(string variable, string problem) : Exception($"{variable} {problem}")
{
    /// <summary>The variable at fault.</summary>
    public string Variable { get; } = variable;
}
