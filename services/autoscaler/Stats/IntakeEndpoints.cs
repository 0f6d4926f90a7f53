using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Autoscaler.PodAutoscalers;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Stats;

/// <summary>Counts of one <c>POST /stats</c> batch.</summary>
/// <param name="Recorded">Stats recorded.</param>
/// <param name="UnknownRevision">Stats for revisions not configured: ignored.</param>
/// <param name="Stale">Stats older than the stable window: ignored.</param>
internal sealed record StatsReceipt(int Recorded, int UnknownRevision, int Stale);

/// <summary>
/// The autoscaler's HTTP intake, what the activator calls (plain HTTP on the app port, through Dapr service
/// invocation or directly on loopback). Revisions are not registered here: the autoscaler follows their
/// PodAutoscalers in the control plane.
/// <list type="bullet">
/// <item><c>POST /stats</c> — a JSON array of <see cref="RevisionStat"/> (the activator, every second).</item>
/// <item><c>POST /poke/{namespace}/{name}</c> — first request held at zero; optional <see cref="RevisionStat"/> body.</item>
/// <item><c>GET /revisions/{namespace}/{name}/scale</c> — the revision's <see cref="RevisionScaleStatus"/> (for people and tests).</item>
/// </list>
/// Stats go by HTTP rather than pub/sub: a poke must reach the decider in milliseconds, and a lost stat is better
/// dropped than delivered late (no data means no decision anyway).
/// </summary>
internal static class IntakeEndpoints
{
    /// <summary>Maps the intake endpoints.</summary>
    public static IEndpointRouteBuilder MapAutoscalerIntake(this IEndpointRouteBuilder app)
    {
        app.MapGet("/revisions/{namespace}/{name}/scale", GetScaleAsync);
        app.MapPost(AutoscalerApi.Stats, RecordStatsAsync);
        app.MapPost("/poke/{namespace}/{name}", PokeAsync);
        return app;
    }

    private static async Task<Results<Ok<RevisionScaleStatus>, ProblemHttpResult>> GetScaleAsync(
        string @namespace, string name, IRevisionAutoscalers autoscalers, CancellationToken ct)
    {
        var key = new RevisionKey(@namespace, name);
        return await autoscalers.GetStatusAsync(key, ct) is { } status ? TypedResults.Ok(status) : Unknown(key);
    }

    private static async Task<Results<Accepted<StatsReceipt>, ValidationProblem>> RecordStatsAsync(
        HttpRequest request, IRevisionAutoscalers autoscalers, CancellationToken ct)
    {
        var (stats, error) = await ReadAsync<RevisionStat[]>(request, required: true, ct);
        if (error is not null) return Invalid([error]);
        var errors = new List<string>();
        for (var i = 0; i < stats!.Length; i++)
        {
            if (stats[i] is null) errors.Add($"[{i}]: must be a stat object");
            else errors.AddRange(stats[i].Validate($"[{i}]"));
        }
        if (errors.Count > 0) return Invalid(errors);

        int recorded = 0, unknown = 0, stale = 0;
        foreach (var stat in stats)
        {
            switch (await autoscalers.RecordAsync(stat, ct))
            {
                case StatOutcome.Recorded: recorded++; break;
                case StatOutcome.UnknownRevision: unknown++; break;
                default: stale++; break;
            }
        }
        if (recorded > 0) IntakeMetrics.Recorded.Add(recorded);
        if (unknown > 0) IntakeMetrics.UnknownRevision.Add(unknown);
        if (stale > 0) IntakeMetrics.Stale.Add(stale);
        return TypedResults.Accepted((string?)null, new StatsReceipt(recorded, unknown, stale));
    }

    private static async Task<Results<Accepted<ScaleResult>, ProblemHttpResult, ValidationProblem>> PokeAsync(
        string @namespace, string name, HttpRequest request, IRevisionAutoscalers autoscalers,
        PodAutoscalerBoard board, PodAutoscalerScaleTarget queue, TimeProvider time, CancellationToken ct)
    {
        if (RevisionKey.Validate(@namespace, name) is { } keyError) return Invalid([keyError]);
        var (stat, error) = await ReadAsync<RevisionStat>(request, required: false, ct);
        if (error is not null) return Invalid([error]);
        var key = new RevisionKey(@namespace, name);
        if (stat is not null)
        {
            if (stat.Key != key) return Invalid([$"body: stat names {stat.Key}, the path {key}"]);
            if (stat.Validate("body").ToList() is { Count: > 0 } statErrors) return Invalid(statErrors);
        }
        IntakeMetrics.Pokes.Add(1);
        // Wake KEDA's StreamIsActive first: that is the latency that matters for scale from zero.
        board.Poke(key, time.GetUtcNow());
        if (await autoscalers.PokeAsync(key, stat, ct) is not { } result) return Unknown(key);
        // Held at zero: mark the PodAutoscaler queued, so that every replica (and a restarted one) reports it active.
        if (PodAutoscalerBoard.DesiredScale(board.Get(key)) is null or 0) await queue.MarkQueuedAsync(key, ct);
        return TypedResults.Accepted((string?)null, result);
    }

    private static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, bool required, CancellationToken ct) where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
            return required ? (null, "body: required") : (null, null);
        try
        {
            var value = await request.ReadFromJsonAsync<T>(ct);
            return value is null && required ? (null, "body: required") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"body{ex.Path?.TrimStart('$')}: {FirstLine(ex.Message)}");
        }
        catch (InvalidOperationException ex)
        {
            return (null, $"body: {ex.Message}");
        }
    }

    private static string FirstLine(string message) => message.Split(" Path:", 2)[0];

    private static ValidationProblem Invalid(IEnumerable<string> errors) =>
        TypedResults.ValidationProblem(errors
            .Select(e => { var colon = e.IndexOf(": ", StringComparison.Ordinal); return colon > 0 ? (Field: e[..colon], Message: e[(colon + 2)..]) : (Field: "", Message: e); })
            .GroupBy(e => e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: string.Join("; ", errors));

    private static ProblemHttpResult Unknown(RevisionKey key) =>
        TypedResults.Problem($"revision {key} is not known to the autoscaler", statusCode: StatusCodes.Status404NotFound, title: "Unknown revision");
}
