using System.Globalization;
using Platform.Sidecar.Core.PubSub;
using Platform.Sidecar.Core.Resiliency;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Sidecar.Core.Components;

/// <summary>
/// Reads Dapr resources (<c>Component</c>, <c>Resiliency</c>, <c>Subscription</c>) from every <c>*.yaml</c>/<c>*.yml</c>
/// in the resources paths, multi-document files included, keeping what is in scope for one app-id. Other kinds
/// (<c>Configuration</c>, <c>HTTPEndpoint</c>, ...) are ignored. Errors name the file and the field.
/// </summary>
public static class ResourceLoader
{
    /// <summary>Component types the local sidecar implements.</summary>
    public static readonly IReadOnlyList<string> SupportedTypes = ["pubsub.redis", "pubsub.in-memory", "state.redis", "state.in-memory"];

    /// <summary>Loads the resources for <paramref name="appId"/>; throws <see cref="ResourceFileException"/> on bad input.</summary>
    public static ResourceSet Load(IEnumerable<string> resourcesPaths, string appId)
    {
        var components = new List<ComponentSpec>();
        var subscriptions = new List<SubscriptionSpec>();
        var inbound = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        var outbound = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        foreach (var path in resourcesPaths)
        {
            if (!Directory.Exists(path)) throw new ResourceFileException(path, "--resources-path", "directory does not exist");
            var files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files) LoadFile(file, appId, components, subscriptions, inbound, outbound);
        }
        foreach (var dup in components.GroupBy(c => c.Name).Where(g => g.Count() > 1))
            throw new ResourceFileException(dup.Last().File, "metadata.name", $"component '{dup.Key}' is defined more than once (also in {dup.First().File})");
        return new ResourceSet(components, new ResiliencySpec(inbound, outbound), subscriptions);
    }

    private static void LoadFile(string file, string appId, List<ComponentSpec> components, List<SubscriptionSpec> subscriptions,
        Dictionary<string, TargetPolicy> inbound, Dictionary<string, TargetPolicy> outbound)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ResourceFileException(file, $"line {e.Start.Line}", "invalid YAML: " + e.Message);
        }
        for (var d = 0; d < stream.Documents.Count; d++)
        {
            if (stream.Documents[d].RootNode is not YamlMappingNode root || root.Children.Count == 0) continue;
            var doc = new Doc(stream.Documents.Count > 1 ? $"{file} (document {d + 1})" : file, root);
            var kind = doc.Scalar(root, "kind") ?? throw doc.Error("kind", "is required");
            switch (kind)
            {
                case "Component":
                    var component = ReadComponent(doc);
                    if (component.IsInScope(appId)) components.Add(component);
                    break;
                case "Resiliency":
                    if (Scopes(doc, root, "scopes") is { Count: > 0 } rs && !rs.Contains(appId)) break;
                    ReadResiliency(doc, inbound, outbound);
                    break;
                case "Subscription":
                    var subscription = ReadSubscription(doc);
                    if (subscription.Scopes.Count == 0 || subscription.Scopes.Contains(appId)) subscriptions.Add(subscription);
                    break;
            }
        }
    }

    private static ComponentSpec ReadComponent(Doc doc)
    {
        var name = doc.Scalar(doc.Root, "metadata", "name");
        if (string.IsNullOrWhiteSpace(name)) throw doc.Error("metadata.name", "is required");
        var spec = doc.Map(doc.Root, "spec") ?? throw doc.Error("spec", "is required");
        var type = doc.Scalar(spec, "type");
        if (string.IsNullOrWhiteSpace(type)) throw doc.Error("spec.type", "is required");
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var metaNode) && metaNode is not YamlScalarNode { Value: null or "" })
        {
            if (metaNode is not YamlSequenceNode items) throw doc.Error("spec.metadata", "must be a list of {name, value}");
            var i = 0;
            foreach (var item in items)
            {
                var field = $"spec.metadata[{i++}]";
                if (item is not YamlMappingNode entry) throw doc.Error(field, "must be a mapping with name and value");
                var key = doc.Scalar(entry, "name");
                if (string.IsNullOrWhiteSpace(key)) throw doc.Error(field + ".name", "is required");
                if (entry.Children.ContainsKey(new YamlScalarNode("secretKeyRef")))
                    throw doc.Error(field + ".secretKeyRef", $"'{key}': secret references are not supported by the local sidecar; give a value");
                metadata[key] = entry.Children.TryGetValue(new YamlScalarNode("value"), out var v)
                    ? v is YamlScalarNode s ? s.Value ?? "" : throw doc.Error(field + ".value", $"'{key}': must be a scalar")
                    : "";
            }
        }
        if (!SupportedTypes.Contains(type))
        {
            throw doc.Error("spec.type", $"component '{name}' has type '{type}', which the local sidecar does not support (supported: {string.Join(", ", SupportedTypes)})");
        }
        if (type.EndsWith(".redis", StringComparison.Ordinal) && string.IsNullOrWhiteSpace(metadata.GetValueOrDefault("redisHost")))
            throw doc.Error("spec.metadata.redisHost", $"component '{name}' ({type}) requires redisHost");
        var version = doc.Scalar(spec, "version") ?? "v1";
        return new ComponentSpec(name, type, version, metadata, Scopes(doc, doc.Root, "scopes"), doc.File);
    }

    private static void ReadResiliency(Doc doc, Dictionary<string, TargetPolicy> inbound, Dictionary<string, TargetPolicy> outbound)
    {
        var spec = doc.Map(doc.Root, "spec") ?? throw doc.Error("spec", "is required");
        var retries = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);
        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var policies = doc.Map(spec, "policies");
        if (policies is not null)
        {
            foreach (var (k, v) in Entries(doc.Map(policies, "retries")))
            {
                var name = ((YamlScalarNode)k).Value!;
                var field = $"spec.policies.retries.{name}";
                if (v is not YamlMappingNode p) throw doc.Error(field, "must be a mapping");
                var kind = (doc.Scalar(p, "policy") ?? "constant") switch
                {
                    "constant" => RetryKind.Constant,
                    "exponential" => RetryKind.Exponential,
                    var other => throw doc.Error(field + ".policy", $"'{other}' is not constant or exponential"),
                };
                var duration = Duration(doc, p, "duration", field, kind == RetryKind.Constant ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(500));
                var maxInterval = Duration(doc, p, "maxInterval", field, TimeSpan.FromSeconds(60));
                var maxRetriesText = doc.Scalar(p, "maxRetries");
                var maxRetries = -1;
                if (maxRetriesText is not null && (!int.TryParse(maxRetriesText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out maxRetries) || maxRetries < -1))
                    throw doc.Error(field + ".maxRetries", $"'{maxRetriesText}' is not an integer ≥ -1");
                retries[name] = new RetryPolicy(name, kind, duration, maxInterval, maxRetries);
            }
            foreach (var (k, v) in Entries(doc.Map(policies, "timeouts")))
            {
                var name = ((YamlScalarNode)k).Value!;
                var text = (v as YamlScalarNode)?.Value;
                if (!GoDuration.TryParse(text, out var t)) throw doc.Error($"spec.policies.timeouts.{name}", $"'{text}' is not a duration like 5s");
                timeouts[name] = t;
            }
        }
        var components = doc.Map(spec, "targets") is { } targets ? doc.Map(targets, "components") : null;
        foreach (var (k, v) in Entries(components))
        {
            var name = ((YamlScalarNode)k).Value!;
            if (v is not YamlMappingNode target) throw doc.Error($"spec.targets.components.{name}", "must be a mapping");
            foreach (var direction in new[] { "inbound", "outbound" })
            {
                if (doc.Map(target, direction) is not { } d) continue;
                var field = $"spec.targets.components.{name}.{direction}";
                var retry = RetryPolicy.None;
                if (doc.Scalar(d, "retry") is { } retryName && !retries.TryGetValue(retryName, out retry!))
                    throw doc.Error(field + ".retry", $"no retry policy named '{retryName}' in spec.policies.retries");
                TimeSpan? timeout = null;
                if (doc.Scalar(d, "timeout") is { } timeoutName)
                {
                    if (timeouts.TryGetValue(timeoutName, out var named)) timeout = named;
                    else if (GoDuration.TryParse(timeoutName, out var literal)) timeout = literal;
                    else throw doc.Error(field + ".timeout", $"no timeout policy named '{timeoutName}' in spec.policies.timeouts");
                }
                (direction == "inbound" ? inbound : outbound)[name] = new TargetPolicy(retry, timeout);
            }
        }
    }

    private static SubscriptionSpec ReadSubscription(Doc doc)
    {
        var name = doc.Scalar(doc.Root, "metadata", "name") ?? throw doc.Error("metadata.name", "is required");
        var spec = doc.Map(doc.Root, "spec") ?? throw doc.Error("spec", "is required");
        var pubsub = doc.Scalar(spec, "pubsubname") ?? throw doc.Error("spec.pubsubname", "is required");
        var topic = doc.Scalar(spec, "topic") ?? throw doc.Error("spec.topic", "is required");
        var rules = new List<RouteRule>();
        string? defaultRoute = doc.Scalar(spec, "route");
        if (doc.Map(spec, "routes") is { } routes)
        {
            defaultRoute = doc.Scalar(routes, "default") ?? defaultRoute;
            if (routes.Children.TryGetValue(new YamlScalarNode("rules"), out var rulesNode) && rulesNode is YamlSequenceNode seq)
            {
                var i = 0;
                foreach (var r in seq)
                {
                    var field = $"spec.routes.rules[{i++}]";
                    if (r is not YamlMappingNode rule) throw doc.Error(field, "must be a mapping with match and path");
                    var match = doc.Scalar(rule, "match") ?? throw doc.Error(field + ".match", "is required");
                    var path = doc.Scalar(rule, "path") ?? throw doc.Error(field + ".path", "is required");
                    if (!CelMatch.TryCompile(match, out _, out var why)) throw doc.Error(field + ".match", why!);
                    rules.Add(new RouteRule(match, path));
                }
            }
        }
        if (rules.Count == 0 && defaultRoute is null) throw doc.Error("spec.routes", "a route (spec.route or spec.routes.default/rules) is required");
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in Entries(doc.Map(spec, "metadata")))
            metadata[((YamlScalarNode)k).Value!] = (v as YamlScalarNode)?.Value ?? "";
        return new SubscriptionSpec(name, pubsub, topic, new TopicRoutes(rules, defaultRoute), doc.Scalar(spec, "deadLetterTopic"), metadata, Scopes(doc, doc.Root, "scopes"),
            ReadBulkSubscribe(doc, spec));
    }

    private static BulkSubscribeOptions? ReadBulkSubscribe(Doc doc, YamlMappingNode spec)
    {
        if (doc.Map(spec, "bulkSubscribe") is not { } bulk) return null;
        var enabled = doc.Scalar(bulk, "enabled");
        if (enabled is null) return null;
        if (!bool.TryParse(enabled, out var on)) throw doc.Error("spec.bulkSubscribe.enabled", $"'{enabled}' is not true or false");
        if (!on) return null;
        int Count(string key, int fallback)
        {
            var text = doc.Scalar(bulk, key);
            if (text is null) return fallback;
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw doc.Error("spec.bulkSubscribe." + key, $"'{text}' is not a positive integer");
        }
        return new BulkSubscribeOptions(Count("maxMessagesCount", BulkSubscribeOptions.DefaultMaxMessagesCount), Count("maxAwaitDurationMs", BulkSubscribeOptions.DefaultMaxAwaitDurationMs));
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlMappingNode? map) => map is null ? [] : map.Children;

    private static TimeSpan Duration(Doc doc, YamlMappingNode map, string key, string field, TimeSpan fallback)
    {
        var text = doc.Scalar(map, key);
        if (text is null) return fallback;
        return GoDuration.TryParse(text, out var value) ? value : throw doc.Error($"{field}.{key}", $"'{text}' is not a duration like 5s or 100ms");
    }

    private static IReadOnlyList<string> Scopes(Doc doc, YamlMappingNode root, string key)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is YamlScalarNode { Value: null or "" }) return [];
        if (node is not YamlSequenceNode seq) throw doc.Error(key, "must be a list of app-ids");
        return seq.OfType<YamlScalarNode>().Select(s => s.Value ?? "").Where(s => s.Length > 0).ToList();
    }

    private sealed record Doc(string File, YamlMappingNode Root)
    {
        public ResourceFileException Error(string field, string reason) => new(File, field, reason);

        public YamlMappingNode? Map(YamlMappingNode parent, string key) =>
            parent.Children.TryGetValue(new YamlScalarNode(key), out var n)
                ? n as YamlMappingNode ?? (n is YamlScalarNode { Value: null or "" } ? null : throw Error(key, "must be a mapping"))
                : null;

        public string? Scalar(YamlMappingNode parent, params string[] path)
        {
            YamlNode node = parent;
            foreach (var key in path)
            {
                if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(key), out var child)) return null;
                node = child;
            }
            return node switch
            {
                YamlScalarNode { Value: { Length: > 0 } v } => v,
                YamlScalarNode => null,
                _ => throw Error(string.Join('.', path), "must be a scalar"),
            };
        }
    }
}
