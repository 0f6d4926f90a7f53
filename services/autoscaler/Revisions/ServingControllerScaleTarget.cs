using Platform.Serving.Contracts.Revisions;
using System.Net;
using System.Net.Http.Json;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Platform.Autoscaler.Scaling;

namespace Platform.Autoscaler.Revisions;

/// <summary>Where <see cref="ServingControllerScaleTarget"/> sends decisions (<c>Autoscaler:ScaleTarget</c>).</summary>
public sealed record ScaleTargetOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Autoscaler:ScaleTarget";

    /// <summary>Dapr app-id of the serving controller (default <c>serving-controller</c>).</summary>
    public string AppId { get; init; } = "serving-controller";

    /// <summary>Direct base URL of the serving controller, bypassing Dapr (tests without sidecars); default none.</summary>
    public string? Url { get; init; }
}

/// <summary>
/// Local mode's scale target: each decision goes to the serving controller, which owns the process backend,
/// as <c>PUT /workloads/v1/revisions/{ns}/{name}/scale</c> <c>{"replicas": n}</c> through Dapr service invocation (or
/// a direct URL). A revision the controller does not run (404) is not an error: it is being deleted.
/// </summary>
public sealed partial class ServingControllerScaleTarget : IScaleTarget, IDisposable
{
    private readonly HttpClient _client;
    private readonly ILogger _log;

    /// <summary>Creates the target from <c>Autoscaler:ScaleTarget</c>.</summary>
    public ServingControllerScaleTarget(IConfiguration configuration, ILogger<ServingControllerScaleTarget> log)
    {
        var options = configuration.GetSection(ScaleTargetOptions.SectionName).Get<ScaleTargetOptions>() ?? new ScaleTargetOptions();
        _client = string.IsNullOrEmpty(options.Url)
            ? DaprClient.CreateInvokeHttpClient(appId: options.AppId)
            : new HttpClient { BaseAddress = new Uri(options.Url.TrimEnd('/') + "/") };
        _client.Timeout = TimeSpan.FromSeconds(10);
        _log = log;
    }

    /// <inheritdoc />
    public async Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken)
    {
        if (!decision.Valid || decision.DesiredScale < 0) return;
        using var response = await _client.PutAsJsonAsync(
            $"/workloads/v1/revisions/{Uri.EscapeDataString(revision.Namespace)}/{Uri.EscapeDataString(revision.Name)}/scale",
            new { replicas = decision.DesiredScale }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            LogUnknown(_log, revision);
            return;
        }
        response.EnsureSuccessStatusCode();
        LogApplied(_log, revision, decision.DesiredScale, decision.Reason);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    [LoggerMessage(EventId = 3901, Level = LogLevel.Information, Message = "{Revision}: scaled to {DesiredScale} ({Reason})")]
    private static partial void LogApplied(ILogger logger, RevisionKey revision, int desiredScale, ScaleReason reason);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Warning, Message = "{Revision}: the serving controller runs no workload for it; decision dropped")]
    private static partial void LogUnknown(ILogger logger, RevisionKey revision);
}
