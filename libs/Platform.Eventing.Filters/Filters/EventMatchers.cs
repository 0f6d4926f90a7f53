using CloudNative.CloudEvents;
using Platform.Eventing.Filters.Cesql;
using Platform.Eventing.Filters.Events;

namespace Platform.Eventing.Filters.Filters;

/// <summary>A compiled, side-effect-free predicate over a CloudEvent.</summary>
internal abstract class EventMatcher
{
    public abstract bool Matches(CloudEvent cloudEvent);
}

internal sealed class MatchAllMatcher : EventMatcher
{
    public static MatchAllMatcher Instance { get; } = new();

    public override bool Matches(CloudEvent cloudEvent) => true;
}

/// <summary>
/// Knative's <c>filter.attributes</c>: every named attribute must equal its value exactly; an empty value only
/// requires the attribute to be present with a non-empty value. A missing attribute never matches.
/// </summary>
internal sealed class AttributesMatcher(KeyValuePair<string, string>[] attributes) : EventMatcher
{
    public override bool Matches(CloudEvent cloudEvent)
    {
        foreach (var (name, wanted) in attributes)
        {
            if (!EventAttributes.TryGetString(cloudEvent, name, out var actual)) return false;
            if (wanted.Length == 0 ? actual.Length == 0 : !string.Equals(actual, wanted, StringComparison.Ordinal)) return false;
        }
        return true;
    }
}

internal enum ValueComparison { Exact, Prefix, Suffix }

/// <summary>The exact, prefix and suffix dialects: every listed attribute must be present and compare true.</summary>
internal sealed class AttributeValueMatcher(ValueComparison comparison, KeyValuePair<string, string>[] attributes) : EventMatcher
{
    public override bool Matches(CloudEvent cloudEvent)
    {
        foreach (var (name, wanted) in attributes)
        {
            if (!EventAttributes.TryGetString(cloudEvent, name, out var actual)) return false;
            var matches = comparison switch
            {
                ValueComparison.Exact => string.Equals(actual, wanted, StringComparison.Ordinal),
                ValueComparison.Prefix => actual.StartsWith(wanted, StringComparison.Ordinal),
                _ => actual.EndsWith(wanted, StringComparison.Ordinal),
            };
            if (!matches) return false;
        }
        return true;
    }
}

/// <summary>The <c>all</c> dialect and the implicit AND of the <c>filters</c> list.</summary>
internal sealed class AllMatcher(EventMatcher[] matchers) : EventMatcher
{
    public override bool Matches(CloudEvent cloudEvent)
    {
        foreach (var matcher in matchers)
        {
            if (!matcher.Matches(cloudEvent)) return false;
        }
        return true;
    }
}

internal sealed class AnyMatcher(EventMatcher[] matchers) : EventMatcher
{
    public override bool Matches(CloudEvent cloudEvent)
    {
        foreach (var matcher in matchers)
        {
            if (matcher.Matches(cloudEvent)) return true;
        }
        return false;
    }
}

internal sealed class NotMatcher(EventMatcher inner) : EventMatcher
{
    public override bool Matches(CloudEvent cloudEvent) => !inner.Matches(cloudEvent);
}

/// <summary>The <c>cesql</c> dialect: passes only on Boolean true with no evaluation error (spec §1.2).</summary>
internal sealed class CesqlMatcher(CesqlExpression expression) : EventMatcher
{
    public override bool Matches(CloudEvent cloudEvent) => expression.Matches(cloudEvent);
}
