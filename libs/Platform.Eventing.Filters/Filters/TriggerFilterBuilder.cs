using Platform.Eventing.Filters.Cesql;

namespace Platform.Eventing.Filters.Filters;

/// <summary>
/// Turns a Trigger's filter model into a <see cref="TriggerFilter"/>: validates every field (collecting all errors
/// with their paths) and compiles the matchers, parsing each CESQL expression once.
/// Knative semantics: a non-empty <c>filters</c> list overrides <c>filter.attributes</c>; its entries are ANDed;
/// each entry sets exactly one dialect.
/// </summary>
public static class TriggerFilterBuilder
{
    /// <summary>Every problem in the filter, each with its field path; empty when the filter is valid.</summary>
    /// <param name="attributes">The Trigger's <c>spec.filter.attributes</c>, or null.</param>
    /// <param name="filters">The Trigger's <c>spec.filters</c>, or null.</param>
    /// <param name="specPath">Path of the object holding <c>filter</c> and <c>filters</c>.</param>
    public static IReadOnlyList<FilterFieldError> Validate(
        IReadOnlyDictionary<string, string>? attributes,
        IReadOnlyList<SubscriptionsApiFilter>? filters,
        string specPath = "spec")
    {
        var compiler = new Compiler();
        compiler.CompileTrigger(attributes, filters, specPath);
        return compiler.Errors;
    }

    /// <summary>Validates and compiles; false (with every error) when the filter is invalid.</summary>
    public static bool TryBuild(
        IReadOnlyDictionary<string, string>? attributes,
        IReadOnlyList<SubscriptionsApiFilter>? filters,
        out TriggerFilter? filter,
        out IReadOnlyList<FilterFieldError> errors,
        string specPath = "spec")
    {
        var compiler = new Compiler();
        var (matcher, source) = compiler.CompileTrigger(attributes, filters, specPath);
        errors = compiler.Errors;
        filter = errors.Count == 0 ? new TriggerFilter(matcher!, source) : null;
        return filter is not null;
    }

    /// <summary>Validates and compiles; throws <see cref="ArgumentException"/> listing every error when invalid.</summary>
    public static TriggerFilter Build(
        IReadOnlyDictionary<string, string>? attributes,
        IReadOnlyList<SubscriptionsApiFilter>? filters,
        string specPath = "spec")
    {
        if (TryBuild(attributes, filters, out var filter, out var errors, specPath)) return filter!;
        throw new ArgumentException($"Invalid trigger filter: {string.Join("; ", errors)}");
    }

    /// <summary>Compiles while collecting errors; a null matcher means the subtree was invalid.</summary>
    private sealed class Compiler
    {
        private static readonly string[] Dialects = ["exact", "prefix", "suffix", "all", "any", "not", "cesql"];

        public List<FilterFieldError> Errors { get; } = [];

        public (EventMatcher? Matcher, TriggerFilterSource Source) CompileTrigger(
            IReadOnlyDictionary<string, string>? attributes, IReadOnlyList<SubscriptionsApiFilter>? filters, string specPath)
        {
            // Validate both even though filters wins: a bad attributes map is still a bad spec.
            var attributesMatcher = CompileAttributes(attributes, $"{specPath}.filter.attributes");
            if (filters is { Count: > 0 })
            {
                return (CompileList(filters, $"{specPath}.filters", emptyAllowed: false), TriggerFilterSource.Filters);
            }
            return attributes is { Count: > 0 }
                ? (attributesMatcher, TriggerFilterSource.Attributes)
                : (MatchAllMatcher.Instance, TriggerFilterSource.None);
        }

        private EventMatcher? CompileAttributes(IReadOnlyDictionary<string, string>? attributes, string path)
        {
            if (attributes is null || attributes.Count == 0) return MatchAllMatcher.Instance;
            var valid = true;
            foreach (var (name, value) in attributes)
            {
                valid &= CheckName(name, $"{path}.{name}");
                if (value is null)
                {
                    Errors.Add(new FilterFieldError($"{path}.{name}", "value must be a string (\"\" matches any value)"));
                    valid = false;
                }
            }
            return valid ? new AttributesMatcher(Ordered(attributes)) : null;
        }

        private EventMatcher? CompileList(IReadOnlyList<SubscriptionsApiFilter>? filters, string path, bool emptyAllowed)
        {
            if (filters is null || filters.Count == 0)
            {
                if (!emptyAllowed) Errors.Add(new FilterFieldError(path, "must contain at least one filter"));
                return null;
            }
            var matchers = new EventMatcher?[filters.Count];
            for (var i = 0; i < filters.Count; i++) matchers[i] = Compile(filters[i], $"{path}[{i}]");
            if (Array.Exists(matchers, m => m is null)) return null;
            return matchers.Length == 1 ? matchers[0] : new AllMatcher(matchers!);
        }

        private EventMatcher? Compile(SubscriptionsApiFilter? filter, string path)
        {
            if (filter is null)
            {
                Errors.Add(new FilterFieldError(path, "exactly one dialect must be set, found none"));
                return null;
            }
            var set = SetDialects(filter);
            if (set.Count != 1)
            {
                var found = set.Count == 0 ? "none" : string.Join(", ", set);
                Errors.Add(new FilterFieldError(path, $"exactly one dialect must be set ({string.Join(", ", Dialects)}), found {found}"));
            }

            // Every dialect that is set is still checked, so one apply reports every problem.
            EventMatcher? result = null;
            if (filter.Exact is not null) result = CompileValues(ValueComparison.Exact, filter.Exact, $"{path}.exact");
            if (filter.Prefix is not null) result = CompileValues(ValueComparison.Prefix, filter.Prefix, $"{path}.prefix");
            if (filter.Suffix is not null) result = CompileValues(ValueComparison.Suffix, filter.Suffix, $"{path}.suffix");
            if (filter.All is not null) result = Wrap(CompileList(filter.All, $"{path}.all", emptyAllowed: false), m => m);
            if (filter.Any is not null) result = CompileAny(filter.Any, $"{path}.any");
            if (filter.Not is not null) result = Wrap(Compile(filter.Not, $"{path}.not"), m => new NotMatcher(m));
            if (filter.Cesql is not null) result = CompileCesql(filter.Cesql, $"{path}.cesql");
            return set.Count == 1 ? result : null;
        }

        private EventMatcher? CompileAny(List<SubscriptionsApiFilter> filters, string path)
        {
            if (filters.Count == 0)
            {
                Errors.Add(new FilterFieldError(path, "must contain at least one filter"));
                return null;
            }
            var matchers = new EventMatcher?[filters.Count];
            for (var i = 0; i < filters.Count; i++) matchers[i] = Compile(filters[i], $"{path}[{i}]");
            if (Array.Exists(matchers, m => m is null)) return null;
            return matchers.Length == 1 ? matchers[0] : new AnyMatcher(matchers!);
        }

        private EventMatcher? CompileValues(ValueComparison comparison, Dictionary<string, string> values, string path)
        {
            if (values.Count == 0)
            {
                Errors.Add(new FilterFieldError(path, "must name at least one attribute"));
                return null;
            }
            var valid = true;
            foreach (var (name, value) in values)
            {
                valid &= CheckName(name, $"{path}.{name}");
                if (string.IsNullOrEmpty(value))
                {
                    Errors.Add(new FilterFieldError($"{path}.{name}", "value must not be empty"));
                    valid = false;
                }
            }
            return valid ? new AttributeValueMatcher(comparison, Ordered(values)) : null;
        }

        private EventMatcher? CompileCesql(string text, string path)
        {
            if (!CesqlExpression.TryParse(text, out var expression, out var error))
            {
                Errors.Add(new FilterFieldError(path, $"{error!.Message} at position {error.Position}"));
                return null;
            }
            foreach (var unknown in expression!.UnknownFunctions)
            {
                Errors.Add(new FilterFieldError(path, $"{unknown.Message} at position {unknown.Position}"));
            }
            if (expression.ReturnType is { } type && type != CesqlType.Boolean)
            {
                Errors.Add(new FilterFieldError(path, $"the expression returns {type}, but a filter needs a Boolean"));
                return null;
            }
            return expression.UnknownFunctions.Count == 0 ? new CesqlMatcher(expression) : null;
        }

        private bool CheckName(string name, string path)
        {
            if (IsAttributeName(name)) return true;
            Errors.Add(new FilterFieldError(path, "attribute names must be non-empty and contain only lower-case letters and digits"));
            return false;
        }

        /// <summary>CloudEvents attribute naming: lower-case ASCII letters and digits.</summary>
        private static bool IsAttributeName(string name) =>
            name.Length > 0 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

        /// <summary>Cheap, common attributes first so most mismatches are found without an extension lookup.</summary>
        private static KeyValuePair<string, string>[] Ordered(IEnumerable<KeyValuePair<string, string>> pairs) =>
            pairs.OrderBy(p => p.Key switch { "type" => 0, "source" => 1, "subject" => 2, "id" => 3, _ => 4 })
                .ThenBy(p => p.Key, StringComparer.Ordinal)
                .ToArray();

        private static EventMatcher? Wrap(EventMatcher? inner, Func<EventMatcher, EventMatcher> wrap) =>
            inner is null ? null : wrap(inner);

        private static List<string> SetDialects(SubscriptionsApiFilter filter)
        {
            var set = new List<string>(1);
            if (filter.Exact is not null) set.Add("exact");
            if (filter.Prefix is not null) set.Add("prefix");
            if (filter.Suffix is not null) set.Add("suffix");
            if (filter.All is not null) set.Add("all");
            if (filter.Any is not null) set.Add("any");
            if (filter.Not is not null) set.Add("not");
            if (filter.Cesql is not null) set.Add("cesql");
            return set;
        }
    }
}
