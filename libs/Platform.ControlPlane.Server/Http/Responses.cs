using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Platform.ControlPlane.Kinds;
using Platform.ControlPlane.Server.Catalog;
using Platform.ControlPlane.Store;
using Platform.Resources.Serialization;

namespace Platform.ControlPlane.Server.Http;

/// <summary>Writes answers: objects and lists as JSON (YAML when Accept asks for it), errors as Kubernetes Status.</summary>
internal static class Responses
{
    private const string Json = "application/json";
    private const string Yaml = "application/yaml";

    /// <summary>True when the client asked for YAML (Accept names a YAML type before any JSON one).</summary>
    public static bool WantsYaml(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        var yaml = accept.IndexOf("yaml", StringComparison.OrdinalIgnoreCase);
        var json = accept.IndexOf("json", StringComparison.OrdinalIgnoreCase);
        return yaml >= 0 && (json < 0 || yaml < json);
    }

    /// <summary>The Kubernetes <c>Status</c> object of a failure.</summary>
    public static JsonObject Status(ResourceError error)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = error.Message,
            ["reason"] = error.Reason.ToString(),
        };
        var details = new JsonObject();
        if (error.Name is { Length: > 0 }) details["name"] = error.Name;
        if (error.Group is { Length: > 0 }) details["group"] = error.Group;
        if (error.Kind is { Length: > 0 }) details["kind"] = error.Kind;
        if (error.Causes is { Count: > 0 } causes)
        {
            var arr = new JsonArray();
            foreach (var c in causes)
            {
                var cause = new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message };
                if (c.Field is not null) cause["field"] = c.Field;
                arr.Add(cause);
            }
            details["causes"] = arr;
        }
        if (details.Count > 0) status["details"] = details;
        status["code"] = error.Code;
        return status;
    }

    /// <summary>Writes a failure Status with its HTTP code.</summary>
    public static Task WriteErrorAsync(HttpContext context, ResourceError error) =>
        WriteNodeAsync(context, Status(error), error.Code);

    /// <summary>Writes a stored object (its cached JSON, or YAML).</summary>
    public static Task WriteObjectAsync(HttpContext context, StoredObject obj, int code)
    {
        if (WantsYaml(context.Request)) return WriteNodeAsync(context, obj.Object, code);
        context.Response.StatusCode = code;
        context.Response.ContentType = Json;
        context.Response.ContentLength = obj.Json.Length;
        return context.Response.Body.WriteAsync(obj.Json).AsTask();
    }

    /// <summary>Writes a list: <c>{apiVersion, kind: XList, metadata: {resourceVersion}, items}</c>.</summary>
    public static Task WriteListAsync(HttpContext context, ResourceKind kind, IReadOnlyList<StoredObject> items, long version)
    {
        if (WantsYaml(context.Request))
        {
            var list = new JsonObject
            {
                ["apiVersion"] = kind.ApiVersion,
                ["kind"] = kind.ListKind,
                ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["items"] = new JsonArray(items.Select(i => (JsonNode)i.Clone()).ToArray()),
            };
            return WriteNodeAsync(context, list, 200);
        }
        var buffer = new MemoryStream(items.Sum(i => i.Json.Length) + 256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonWire.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", kind.ApiVersion);
            writer.WriteString("kind", kind.ListKind);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in items) writer.WriteRawValue(item.Json, skipInputValidation: true);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = Json;
        context.Response.ContentLength = buffer.Length;
        return context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).AsTask();
    }

    /// <summary>Writes any JSON node as JSON or YAML.</summary>
    public static Task WriteNodeAsync(HttpContext context, JsonNode node, int code)
    {
        context.Response.StatusCode = code;
        byte[] bytes;
        if (WantsYaml(context.Request))
        {
            context.Response.ContentType = Yaml;
            bytes = Encoding.UTF8.GetBytes(YamlDocuments.Write(node));
        }
        else
        {
            context.Response.ContentType = Json;
            bytes = JsonSerializer.SerializeToUtf8Bytes(node, JsonWire.Options);
        }
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }
}
