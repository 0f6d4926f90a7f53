using CloudNative.CloudEvents;

namespace Platform.Eventing.Filters.Filters;

/// <summary>
/// A Trigger's compiled filter (<c>spec.filter.attributes</c> and <c>spec.filters</c>), built by
/// <see cref="TriggerFilterBuilder"/>. Immutable and thread-safe; <see cref="Matches"/> is the dispatcher's hot path
/// and performs no I/O and, for string attributes, no allocation.
/// </summary>
public sealed class TriggerFilter
{
    private readonly EventMatcher _matcher;

    internal TriggerFilter(EventMatcher matcher, TriggerFilterSource source)
    {
        _matcher = matcher;
        Source = source;
    }

    /// <summary>A filter that lets every event through (a Trigger without filters).</summary>
    public static TriggerFilter MatchAll { get; } = new(MatchAllMatcher.Instance, TriggerFilterSource.None);

    /// <summary>Which part of the Trigger spec decides: <c>filters</c> overrides <c>filter.attributes</c>.</summary>
    public TriggerFilterSource Source { get; }

    /// <summary>True when <paramref name="cloudEvent"/> passes the filter and should be delivered.</summary>
    public bool Matches(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        return _matcher.Matches(cloudEvent);
    }
}

/// <summary>The part of a Trigger's spec a <see cref="TriggerFilter"/> was built from.</summary>
public enum TriggerFilterSource
{
    /// <summary>Neither was set: every event matches.</summary>
    None,

    /// <summary><c>spec.filter.attributes</c>.</summary>
    Attributes,

    /// <summary><c>spec.filters</c> (the Subscriptions API dialects), which overrides the attributes.</summary>
    Filters,
}

/// <summary>One problem in a Trigger's filter, with the path of the field at fault.</summary>
/// <param name="Path">Field path, e.g. <c>spec.filters[1].cesql</c>.</param>
/// <param name="Message">What is wrong, e.g. the CESQL parser's message and position.</param>
public sealed record FilterFieldError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
