using Microsoft.Extensions.Options;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Revisions;

/// <summary>Where revision autoscalers live.</summary>
internal enum AutoscalerHostMode
{
    /// <summary>Actors when a Dapr sidecar answers at the first request, else in-process.</summary>
    Auto,
    /// <summary>Always Dapr actors.</summary>
    Actors,
    /// <summary>Always in this process (no persistence).</summary>
    InProcess,
}

/// <summary>Settings of the <c>Autoscaler</c> configuration section.</summary>
internal sealed record AutoscalerHostOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Autoscaler";

    /// <summary>Where revision autoscalers live. Default <see cref="AutoscalerHostMode.Auto"/>.</summary>
    public AutoscalerHostMode Mode { get; init; } = AutoscalerHostMode.Auto;

    /// <summary>How long the Auto probe of the sidecar may take. Default 1 s.</summary>
    public TimeSpan SidecarProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Chooses, once, at the first call (never at start-up, so the app starts without its sidecar — under <c>dapr run</c>
/// the sidecar waits for the app), between the actors and the in-process host, then forwards every call there.
/// </summary>
internal sealed partial class AutoscalerHostRouter(
    IOptions<AutoscalerHostOptions> options,
    IConfiguration configuration,
    InProcessRevisionAutoscalers inProcess,
    IServiceProvider services,
    IHttpClientFactory http,
    ILogger<AutoscalerHostRouter> logger) : IRevisionAutoscalers
{
    private readonly SemaphoreSlim _choosing = new(1, 1);
    private IRevisionAutoscalers? _chosen;

    private async ValueTask<IRevisionAutoscalers> HostAsync(CancellationToken cancellationToken)
    {
        if (_chosen is { } chosen) return chosen;
        await _choosing.WaitAsync(cancellationToken);
        try
        {
            if (_chosen is not null) return _chosen;
            var mode = options.Value.Mode;
            if (mode == AutoscalerHostMode.Auto)
                mode = await SidecarAnswersAsync(cancellationToken) ? AutoscalerHostMode.Actors : AutoscalerHostMode.InProcess;
            LogMode(logger, mode);
            return _chosen = mode == AutoscalerHostMode.Actors
                ? ActivatorUtilities.CreateInstance<Actors.ActorRevisionAutoscalers>(services)
                : inProcess;
        }
        finally { _choosing.Release(); }
    }

    private async Task<bool> SidecarAnswersAsync(CancellationToken cancellationToken)
    {
        var endpoint = configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } e ? e.TrimEnd('/')
            : configuration["DAPR_HTTP_PORT"] is { Length: > 0 } p ? $"http://127.0.0.1:{p}" : null;
        if (endpoint is null) return false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.SidecarProbeTimeout);
        try
        {
            using var response = await http.CreateClient().GetAsync($"{endpoint}/v1.0/healthz/outbound", timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task<ScaleResult> ConfigureAsync(RevisionKey key, RevisionScalingSpec spec, CancellationToken cancellationToken) =>
        await (await HostAsync(cancellationToken)).ConfigureAsync(key, spec, cancellationToken);

    public async Task<bool> RemoveAsync(RevisionKey key, CancellationToken cancellationToken) =>
        await (await HostAsync(cancellationToken)).RemoveAsync(key, cancellationToken);

    public async Task<StatOutcome> RecordAsync(RevisionStat stat, CancellationToken cancellationToken) =>
        await (await HostAsync(cancellationToken)).RecordAsync(stat, cancellationToken);

    public async Task<ScaleResult?> PokeAsync(RevisionKey key, RevisionStat? stat, CancellationToken cancellationToken) =>
        await (await HostAsync(cancellationToken)).PokeAsync(key, stat, cancellationToken);

    public async Task<bool> ReportReadyAsync(RevisionKey key, int readyPods, CancellationToken cancellationToken) =>
        await (await HostAsync(cancellationToken)).ReportReadyAsync(key, readyPods, cancellationToken);

    public async Task<RevisionScaleStatus?> GetStatusAsync(RevisionKey key, CancellationToken cancellationToken) =>
        await (await HostAsync(cancellationToken)).GetStatusAsync(key, cancellationToken);

    [LoggerMessage(EventId = LogEvents.HostModeChosen, Level = LogLevel.Information, Message = "revision autoscalers run as {Mode}")]
    private static partial void LogMode(ILogger logger, AutoscalerHostMode mode);
}
