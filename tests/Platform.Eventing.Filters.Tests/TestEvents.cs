using CloudNative.CloudEvents;

namespace Platform.Eventing.Filters.Tests;

/// <summary>Builds CloudEvents for filter and CESQL tables.</summary>
internal static class TestEvents
{
    /// <summary>
    /// An event with the given type and source; each extra (name, value) is set as an extension typed by the CLR
    /// value (string, int or bool) or, for known attributes such as subject, parsed from the string.
    /// </summary>
    public static CloudEvent Create(string type = "dev.knative.sample", string source = "https://example.com/orders", params (string Name, object Value)[] attributes)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = "e-1",
            Type = type,
            Source = new Uri(source, UriKind.RelativeOrAbsolute),
        };
        foreach (var (name, value) in attributes)
        {
            switch (value)
            {
                case int integer:
                    cloudEvent[CloudEventAttribute.CreateExtension(name, CloudEventAttributeType.Integer)] = integer;
                    break;
                case bool boolean:
                    cloudEvent[CloudEventAttribute.CreateExtension(name, CloudEventAttributeType.Boolean)] = boolean;
                    break;
                default:
                    cloudEvent.SetAttributeFromString(name, (string)value);
                    break;
            }
        }
        return cloudEvent;
    }
}
