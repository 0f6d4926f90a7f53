using System.Security.Cryptography;
using System.Text;

namespace Platform.Broker.Topics;

/// <summary>
/// Pub/sub topic names valid on every backend the platform targets: Redis streams (any key), Kafka
/// (<c>[a-zA-Z0-9._-]</c>, ≤ 249) and SNS/SQS (<c>[a-zA-Z0-9_-]</c>, ≤ 80 for SQS). We use <c>[a-z0-9-]</c> and at most
/// <see cref="MaxLength"/> characters; a name that had to be changed or shortened gets a hash suffix of the
/// original so that two different resources never share a topic.
/// </summary>
internal static class TopicNames
{
    /// <summary>Longest topic name (SQS queue names).</summary>
    public const int MaxLength = 80;

    /// <summary>The ingress topic of a Broker: <c>kn-broker-{ns}-{name}</c>.</summary>
    public static string Broker(string ns, string name) => Make("kn-broker", ns, name);

    /// <summary>The delivery topic of a Trigger: <c>kn-trigger-{ns}-{name}-{uid8}</c> (uid: a re-created trigger starts clean).</summary>
    public static string Trigger(string ns, string name, string uid) => Make("kn-trigger", ns, name, Uid8(uid));

    /// <summary>The ingress topic of a Channel: <c>kn-channel-{ns}-{name}</c>.</summary>
    public static string Channel(string ns, string name) => Make("kn-channel", ns, name);

    /// <summary>The delivery topic of a Subscription: <c>kn-sub-{ns}-{name}-{uid8}</c>.</summary>
    public static string Subscription(string ns, string name, string uid) => Make("kn-sub", ns, name, Uid8(uid));

    private static string Uid8(string uid)
    {
        var clean = new string(uid.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return clean.Length >= 8 ? clean[..8] : Hash(uid);
    }

    private static string Make(params string[] parts)
    {
        var original = string.Join("-", parts);
        var sb = new StringBuilder(original.Length);
        foreach (var c in original)
            sb.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' ? c : char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : '-');
        var clean = sb.ToString();
        var changed = clean != original;
        if (!changed && clean.Length <= MaxLength) return clean;
        var suffix = "-" + Hash(original);
        var room = MaxLength - suffix.Length;
        return (clean.Length > room ? clean[..room].TrimEnd('-') : clean) + suffix;
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
}
