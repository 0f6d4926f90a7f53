using CloudNative.CloudEvents;

namespace Platform.Eventing.Filters.Events;

/// <summary>
/// Reads a CloudEvent attribute (context attribute or extension) by its lower-case name, as filters and CESQL see
/// it: strings, URIs and strings as text, timestamps and binary in their canonical CloudEvents string form, and
/// Integer/Boolean extensions typed (only CESQL keeps those types).
/// </summary>
internal static class EventAttributes
{
    /// <summary>The attribute's raw value, or false when the event does not carry it.</summary>
    public static bool TryGetRaw(CloudEvent cloudEvent, string name, out object value, out CloudEventAttribute? attribute)
    {
        attribute = null;
        object? raw = name switch
        {
            // The required attributes and subject are read without a dictionary lookup: they dominate filters.
            "type" => cloudEvent.Type,
            "source" => cloudEvent.Source,
            "id" => cloudEvent.Id,
            "specversion" => cloudEvent.SpecVersion.VersionId,
            "subject" => cloudEvent.Subject,
            _ => Lookup(cloudEvent, name, out attribute),
        };
        value = raw!;
        return raw is not null;
    }

    /// <summary>The attribute as a string, or false when the event does not carry it.</summary>
    public static bool TryGetString(CloudEvent cloudEvent, string name, out string value)
    {
        if (!TryGetRaw(cloudEvent, name, out var raw, out var attribute))
        {
            value = "";
            return false;
        }
        value = Format(raw, attribute);
        return true;
    }

    /// <summary>Formats a raw attribute value in its canonical CloudEvents string form.</summary>
    public static string Format(object raw, CloudEventAttribute? attribute) => raw switch
    {
        string text => text,
        Uri uri => uri.OriginalString,
        bool boolean => boolean ? "true" : "false",
        _ => attribute is not null ? attribute.Format(raw) : Convert.ToString(raw, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static object? Lookup(CloudEvent cloudEvent, string name, out CloudEventAttribute? attribute)
    {
        attribute = cloudEvent.GetAttribute(name);
        return attribute is null ? null : cloudEvent[attribute];
    }
}
