namespace Platform.Cli.Runner.Components;

/// <summary>Which components expect the developer's own Redis on the default local address.</summary>
internal static class LocalRedis
{
    /// <summary>The port Dapr's local components use.</summary>
    public const int Port = 6379;

    private static readonly string[] Addresses = ["localhost:6379", "127.0.0.1:6379"];

    /// <summary>Whether a <c>redisHost</c> value means the local default Redis.</summary>
    public static bool IsLocalAddress(string? redisHost) =>
        redisHost is not null && Addresses.Contains(redisHost.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="doc"/> is a Redis component pointing at the local default Redis.</summary>
    public static bool Uses(ComponentDocument doc) =>
        doc.Kind == "Component" && doc.Type is not null && doc.Type.EndsWith(".redis", StringComparison.Ordinal)
        && IsLocalAddress(doc.Value("redisHost"));
}
