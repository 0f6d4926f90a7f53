using System.Text.RegularExpressions;

namespace Platform.Resources.Validation;

/// <summary>Kubernetes name rules (DNS-1035 labels, DNS-1123 labels and subdomains, qualified names, label values).</summary>
public static partial class Names
{
    /// <summary>Message for a bad DNS-1035 label.</summary>
    public const string Dns1035Message = "must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit";

    /// <summary>Message for a bad DNS-1123 label.</summary>
    public const string Dns1123LabelMessage = "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";

    /// <summary>Message for a bad DNS-1123 subdomain.</summary>
    public const string Dns1123SubdomainMessage = "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedPart();

    /// <summary>A DNS-1035 label of at most 63 characters (Service, Route, tag names).</summary>
    public static bool IsDns1035Label(string value) => value.Length <= 63 && Dns1035().IsMatch(value);

    /// <summary>A DNS-1123 label of at most 63 characters.</summary>
    public static bool IsDns1123Label(string value) => value.Length <= 63 && Dns1123Label().IsMatch(value);

    /// <summary>A DNS-1123 subdomain of at most 253 characters.</summary>
    public static bool IsDns1123Subdomain(string value) => value.Length <= 253 && Dns1123Subdomain().IsMatch(value);

    /// <summary>A fully qualified domain name: a subdomain with at least two labels, each at most 63 characters.</summary>
    public static bool IsDomainName(string value) =>
        IsDns1123Subdomain(value) && value.Contains('.', StringComparison.Ordinal) && value.Split('.').All(l => l.Length <= 63);

    /// <summary>Why <paramref name="key"/> is not a valid label/annotation key, or null.</summary>
    public static string? CheckQualifiedName(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || !IsDns1123Subdomain(prefix))
            {
                return "key prefix " + Dns1123SubdomainMessage;
            }
        }

        if (name.Length == 0 || name.Length > 63 || !QualifiedPart().IsMatch(name))
        {
            return "key must be a qualified name: an optional DNS prefix and '/', then 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        }

        return null;
    }

    /// <summary>Why <paramref name="value"/> is not a valid label value, or null.</summary>
    public static string? CheckLabelValue(string value) =>
        value.Length == 0 ? null :
        value.Length > 63 ? "must be no more than 63 characters" :
        QualifiedPart().IsMatch(value) ? null :
        "must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}
