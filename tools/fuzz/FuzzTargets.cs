using Microsoft.AspNetCore.Http;
using Platform.CloudEvents;
using Platform.Eventing.Filters.Cesql;
using Platform.Resources.Serialization;

namespace Platform.Fuzz;

/// <summary>
/// One reader of untrusted input. A target must return for every input; any exception escaping it is a finding
/// (a bug: the reader should have answered with an error).
/// </summary>
/// <param name="Name">Command-line name.</param>
/// <param name="Run">Reads one input.</param>
/// <param name="SeedFolder">Folder of <c>tests/corpus</c> whose files seed the mutations, or null.</param>
/// <param name="Seeds">Built-in seeds.</param>
internal sealed record FuzzTarget(string Name, Action<byte[]> Run, string? SeedFolder, IReadOnlyList<string> Seeds);

/// <summary>The targets: the Knative YAML/JSON reader, CloudEvents over HTTP (binary and structured), CESQL.</summary>
internal static class FuzzTargets
{
    private const string Service = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\nspec:\n  template:\n    spec:\n      containers:\n        - image: x\n          env: [{name: A, value: b}]\n";

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("yaml", input => ResourceSerializer.Default.Read(System.Text.Encoding.UTF8.GetString(input)), "api",
            [Service, "a: &a [x, *a]\n", "{\"apiVersion\":\"eventing.knative.dev/v1\",\"kind\":\"Trigger\",\"metadata\":{\"name\":\"t\"},\"spec\":{\"broker\":\"b\"}}"]),
        new("cloudevent", ReadCloudEvent, "cloudevents",
            ["Content-Type: application/cloudevents+json\n\n{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1}}",
             "ce-specversion: 1.0\nce-id: 1\nce-source: /s\nce-type: t\nContent-Type: application/json\n\n{\"a\":[1,2]}"]),
        new("cesql", input => CesqlExpression.TryParse(System.Text.Encoding.UTF8.GetString(input), out _, out _), null,
            ["type = 'order.created' AND source LIKE '/shop/%'", "NOT (EXISTS subject) OR UPPER(type) IN ('A', 'B')", "INT('12') + 3 * -4 >= 2"]),
    ];

    /// <summary>The input as <c>header: value</c> lines, a blank line and the body (the corpus' <c>.http</c> form).</summary>
    private static void ReadCloudEvent(byte[] input)
    {
        var text = System.Text.Encoding.UTF8.GetString(input);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var (head, body) = split < 0 ? ("", text) : (text[..split], text[(split + 2)..]);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        foreach (var line in head.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            // Header names and values a client could not send are not inputs the server sees.
            if (name.Any(c => c <= ' ' || c >= 127) || value.Any(c => c < ' ' || c >= 127)) continue;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) context.Request.ContentType = value;
            else context.Request.Headers[name] = value;
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        var result = CloudEventHttp.ReadAsync(context.Request, 64 * 1024).GetAwaiter().GetResult();
        if (result.Error is { StatusCode: < 400 or >= 500 } error)
            throw new InvalidOperationException($"a refusal must be a 4xx, got {error.StatusCode}: {error.Reason}");
    }
}
