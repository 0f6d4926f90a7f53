using Platform.ControlPlane.Kinds;

namespace Platform.ControlPlane.Server.Admission;

/// <summary>Kubernetes' name rules (DNS-1123 label/subdomain, DNS-1035 label), as pure checks returning the reason.</summary>
internal static class NameRules
{
    /// <summary>Null when <paramref name="name"/> satisfies <paramref name="rule"/>, else why not.</summary>
    public static string? Check(NameRule rule, string name) => rule switch
    {
        NameRule.Dns1035Label => Dns1035Label(name),
        _ => Dns1123Subdomain(name),
    };

    /// <summary>At most 63 characters: a lowercase letter, then lowercase letters, digits or '-', not ending in '-'.</summary>
    public static string? Dns1035Label(string name)
    {
        if (name.Length == 0) return "must not be empty";
        if (name.Length > 63) return "must be no more than 63 characters";
        if (!(name[0] is >= 'a' and <= 'z') || !name.All(IsLabelChar) || name[^1] == '-')
            return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')";
        return null;
    }

    /// <summary>At most 63 characters of lowercase letters, digits or '-', starting and ending alphanumeric (namespaces).</summary>
    public static string? Dns1123Label(string name)
    {
        if (name.Length == 0) return "must not be empty";
        if (name.Length > 63) return "must be no more than 63 characters";
        if (!IsAlnum(name[0]) || !IsAlnum(name[^1]) || !name.All(IsLabelChar))
            return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
        return null;
    }

    /// <summary>At most 253 characters: dot-separated RFC 1123 labels.</summary>
    public static string? Dns1123Subdomain(string name)
    {
        if (name.Length == 0) return "must not be empty";
        if (name.Length > 253) return "must be no more than 253 characters";
        foreach (var part in name.Split('.'))
            if (part.Length == 0 || !IsAlnum(part[0]) || !IsAlnum(part[^1]) || !part.All(IsLabelChar))
                return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
        return null;
    }

    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    private static bool IsLabelChar(char c) => IsAlnum(c) || c == '-';
}
