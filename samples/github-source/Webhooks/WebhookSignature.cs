using System.Security.Cryptography;
using System.Text;

namespace GitHubSource.Webhooks;

/// <summary>
/// GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> followed by the lowercase hex HMAC-SHA256 of the raw request
/// body, keyed with the webhook's secret. Pure.
/// </summary>
internal static class WebhookSignature
{
    /// <summary>The header GitHub signs with.</summary>
    public const string Header = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";

    /// <summary>The header value GitHub would send for <paramref name="body"/> (what a test or a replay tool signs with).</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// Null when <paramref name="header"/> is the signature of <paramref name="body"/> under <paramref name="secret"/>;
    /// otherwise why not, for the 401's detail. The digests are compared in constant time so that the time to refuse
    /// says nothing about how much of a forged signature was right.
    /// </summary>
    public static string? Check(string? header, ReadOnlySpan<byte> body, string secret)
    {
        if (string.IsNullOrEmpty(header))
            return $"{Header} is missing: give the webhook a secret in GitHub (the same value as GITHUB_WEBHOOK_SECRET)";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64)
            return $"{Header} must be \"sha256=\" and 64 hex digits";
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return $"{Header} must be \"sha256=\" and 64 hex digits";
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(given, expected)
            ? null
            : $"{Header} does not match the body: the webhook's secret differs from GITHUB_WEBHOOK_SECRET, or the body was changed on the way";
    }
}
