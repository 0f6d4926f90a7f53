using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing.Telemetry.Otlp;

namespace Platform.Testing.Telemetry;

/// <summary>One span as an OTLP exporter sent it.</summary>
/// <param name="Service">The exporting process's <c>service.name</c>.</param>
/// <param name="TraceId">32 hex digits.</param>
/// <param name="SpanId">16 hex digits.</param>
/// <param name="ParentSpanId">16 hex digits, or empty for a root span.</param>
/// <param name="Name">Span name.</param>
/// <param name="Kind">Server, client, consumer ...</param>
/// <param name="Attributes">String forms of the attributes.</param>
/// <param name="Error">Whether its status is error.</param>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name,
    Span.Types.SpanKind Kind, IReadOnlyDictionary<string, string> Attributes, bool Error);

/// <summary>
/// An OTLP/HTTP trace receiver (<c>POST /v1/traces</c>, protobuf) on a free loopback port: what the services'
/// OTLP exporters send to when started with <see cref="ExporterEnvironment"/>. Keeps every span received.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    private OtlpTraceReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Spans received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToArray();

    /// <summary>
    /// The standard variables that point an OpenTelemetry SDK's exporter here, over OTLP/HTTP protobuf, exporting
    /// batches every 200 ms.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Port}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    /// <summary>Starts a receiver.</summary>
    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new OtlpTraceReceiver(app, port);
        app.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            ExportTraceServiceRequest request;
            try
            {
                request = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
            }
            catch (InvalidProtocolBufferException e)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync(e.Message);
                return;
            }
            receiver.Add(request);
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(new ExportTraceServiceResponse().ToByteArray(), context.RequestAborted);
        });
        await app.StartAsync();
        return receiver;
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";
            foreach (var scope in resource.ScopeSpans)
                foreach (var span in scope.Spans)
                    _spans.Enqueue(new ReceivedSpan(service, Convert.ToHexStringLower(span.TraceId.Span), Convert.ToHexStringLower(span.SpanId.Span),
                        Convert.ToHexStringLower(span.ParentSpanId.Span), span.Name, span.Kind,
                        span.Attributes.ToDictionary(a => a.Key, a => ValueText(a.Value)), span.Status?.Code == Status.Types.StatusCode.Error));
        }
    }

    private static string ValueText(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    /// <summary>The spans of one trace.</summary>
    public IReadOnlyList<ReceivedSpan> Trace(string traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    /// <summary>
    /// Whether <paramref name="spans"/> form one connected tree: exactly one span whose parent is not among them (the
    /// root, or the first span under a caller's context), every other span's parent among them.
    /// </summary>
    public static bool Connected(IReadOnlyList<ReceivedSpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        return spans.Count(s => !ids.Contains(s.ParentSpanId)) == 1;
    }

    /// <summary>The trace as text (service, kind, name, id, parent), for failure messages.</summary>
    public static string Describe(IEnumerable<ReceivedSpan> spans) =>
        string.Join('\n', spans.Select(s => $"{s.Service} {s.Kind} \"{s.Name}\" {s.SpanId} <- {(s.ParentSpanId.Length == 0 ? "(root)" : s.ParentSpanId)}{(s.Error ? " ERROR" : "")}"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
