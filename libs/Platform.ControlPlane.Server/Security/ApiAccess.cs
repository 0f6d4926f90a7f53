using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.ControlPlane.Store;

namespace Platform.ControlPlane.Server.Security;

/// <summary>
/// The local API's credentials (<c>ControlPlane:Auth</c>): a read-write bearer token and, optionally, a read-only
/// one. <c>platform up</c> generates both at the first run (<c>.platform/api-token</c>, <c>.platform/api-token.readonly</c>,
/// mode 0600) and gives them to this process's env; no token configured means no check (a test host, or a process
/// started by hand). In Kubernetes mode the API is Kubernetes' own and RBAC applies instead.
/// </summary>
public sealed record ApiAuthOptions
{
    /// <summary>The read-write token: every verb.</summary>
    public string? Token { get; init; }

    /// <summary>The read-only token: GET (get, list, watch) and HEAD only; anything else is 403.</summary>
    public string? ReadToken { get; init; }

    /// <summary>Where the tokens live, named by a 401 (e.g. <c>/home/me/app/.platform/api-token</c>).</summary>
    public string? TokenLocation { get; init; }

    /// <summary>Whether requests are checked.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Token);

    /// <summary>What is wrong with the settings (a placeholder left in, a too-short token), empty when nothing.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, value) in new[] { ("Token", Token), ("ReadToken", ReadToken) })
        {
            if (string.IsNullOrEmpty(value)) continue;
            if (value.Contains("{{", StringComparison.Ordinal))
                errors.Add($"ControlPlane:Auth:{name}: \"{value}\" is a placeholder that `platform up` fills in; run through `platform up`, or set a real token");
            else if (value.Length < 16) errors.Add($"ControlPlane:Auth:{name}: must be at least 16 characters");
        }
        if (string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(ReadToken))
            errors.Add("ControlPlane:Auth:ReadToken: set only together with ControlPlane:Auth:Token");
        return errors;
    }
}

/// <summary>What a request may do.</summary>
internal enum AccessLevel
{
    /// <summary>No check configured, or the read-write token.</summary>
    ReadWrite,
    /// <summary>The read-only token.</summary>
    ReadOnly,
}

/// <summary>Decides whether a request's credential lets it through. Pure.</summary>
internal static class ApiAccess
{
    /// <summary>
    /// Null when the request may proceed; else the 401 (no bearer token, or an unknown one) or 403 (a read-only token
    /// on a writing verb) to answer, with a message saying where the token lives. Tokens are compared in constant time.
    /// </summary>
    public static ResourceError? Check(ApiAuthOptions options, string method, string? authorization)
    {
        if (!options.Enabled) return null;
        var where = options.TokenLocation is { Length: > 0 } l
            ? $"`platform up` keeps the read-write token in {l} (and a read-only one beside it, .readonly); the CLI reads it from there or from PLATFORM_API_TOKEN"
            : "`platform up` keeps the token in .platform/api-token beside dapr.yaml; the CLI reads it from there or from PLATFORM_API_TOKEN";
        if (Bearer(authorization) is not { Length: > 0 } presented)
            return new ResourceError(StatusReason.Unauthorized, $"the Platform API needs a bearer token (Authorization: Bearer <token>): {where}");
        var level = Matches(presented, options.Token) ? AccessLevel.ReadWrite
            : Matches(presented, options.ReadToken) ? AccessLevel.ReadOnly
            : (AccessLevel?)null;
        if (level is null)
            return new ResourceError(StatusReason.Unauthorized, $"the bearer token is not valid for this API (tokens change when .platform is deleted): {where}");
        if (level == AccessLevel.ReadOnly && !IsRead(method))
            return new ResourceError(StatusReason.Forbidden, $"the read-only token may get, list and watch; {method} needs the read-write token ({options.TokenLocation ?? ".platform/api-token"})");
        return null;
    }

    /// <summary>GET and HEAD read; every other verb writes.</summary>
    public static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    private static string? Bearer(string? authorization) =>
        authorization is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a["Bearer ".Length..].Trim() : null;

    private static bool Matches(string presented, string? expected) =>
        expected is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
