using System.CommandLine;
using Platform.Cli.Output;
using Platform.Cli.Runner.Health;
using Platform.Cli.Runner.State;
using Spectre.Console;

namespace Platform.Cli.Commands.Status;

/// <summary><c>platform status</c>: what <c>platform up</c> runs for this dapr.yaml, with live health.</summary>
internal static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal)
    {
        var file = RunFileArgument.Create();
        var command = new Command("status", "Show the apps `platform up` runs and whether they are healthy now") { file };
        command.SetAction(async (parse, cancel) =>
        {
            var (path, label) = RunFileArgument.Resolve(parse.GetValue(file)!);
            var state = new RunStateStore(RunFileArgument.PlatformDir(path)).Read();
            if (state is null)
            {
                terminal.Line($"nothing is running for {label} (start it with `platform up`)");
                return ExitCode.Ok;
            }
            if (!RunStateStore.RunnerAlive(state))
            {
                // A recorded run whose runner is gone: say what is known rather than "nothing is running".
                var lines = (state.Error ?? "").Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
                terminal.Fail(state.Phase == RunPhase.Failed
                        ? $"the last run of {label} failed: {(lines.Length > 0 ? lines[0] : "no reason recorded")}"
                        : $"the runner of {label} (pid {state.RunnerPid}) is gone without stopping its apps",
                    lines.Skip(1).Select(l => "  " + l),
                    "`platform down` stops whatever it left running; `platform up` starts again; logs are in .platform/logs");
                CrashTable.Write(terminal, state.Crashes);
                return ExitCode.Failure;
            }
            var apps = await Task.WhenAll(state.Apps.Select(a => ProbeAsync(a, cancel))).ConfigureAwait(false);
            AppTable.Write(terminal, apps);
            terminal.Line($"runner pid {state.RunnerPid} ({(state.Detached ? "background" : "foreground")}), phase {state.Phase.ToString().ToLowerInvariant()}");
            CrashTable.Write(terminal, state.Crashes);
            await WriteFiguresAsync(terminal, state.Apps, cancel).ConfigureAwait(false);
            return apps.All(a => a.Status == "healthy") ? ExitCode.Ok : ExitCode.Failure;
        });
        return command;
    }

    /// <summary>
    /// Per revision (desired/actual pods, concurrency, rps) and per trigger (delivered, retried, dead-lettered): read
    /// from the same metrics ports Prometheus scrapes. RPS needs two scrapes of the activator, one second apart.
    /// </summary>
    private static async Task WriteFiguresAsync(Terminal terminal, IReadOnlyList<RunApp> apps, CancellationToken cancel)
    {
        int? Port(string appId) => apps.FirstOrDefault(a => a.AppId == appId)?.AppMetricsPort;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var autoscaler = await ScrapeAsync(http, Port("autoscaler"), cancel).ConfigureAwait(false);
        var before = await ScrapeAsync(http, Port("activator"), cancel).ConfigureAwait(false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<MetricSample> after = [];
        if (before.Count > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancel).ConfigureAwait(false);
            after = await ScrapeAsync(http, Port("activator"), cancel).ConfigureAwait(false);
        }
        var revisions = LiveFigures.Revisions(autoscaler, before, after, clock.Elapsed.TotalSeconds);
        if (revisions.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("NAMESPACE", "REVISION", "DESIRED", "ACTUAL", "CONCURRENCY", "RPS");
            foreach (var r in revisions)
                table.AddRow(Esc(r.Namespace), Esc(r.Revision), Num(r.Desired), Num(r.Actual), Num(r.Concurrency, "0.##"), Num(r.Rps, "0.#"));
            terminal.Write(table);
        }
        var deliveries = LiveFigures.Deliveries(await ScrapeAsync(http, Port("broker"), cancel).ConfigureAwait(false));
        if (deliveries.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("NAMESPACE", "TRIGGER / SUBSCRIPTION", "DELIVERED", "RETRIED", "DEAD-LETTERED", "DROPPED");
            foreach (var d in deliveries)
                table.AddRow(Esc(d.Namespace), Esc(d.Kind == "Trigger" ? d.Name : $"{d.Name} ({d.Kind})"), Num(d.Delivered), Num(d.Retried), Num(d.DeadLettered), Num(d.Dropped));
            terminal.Write(table);
        }
    }

    private static string Esc(string text) => Markup.Escape(text);

    private static string Num(double? value, string format = "0") =>
        value is double v ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static async Task<IReadOnlyList<MetricSample>> ScrapeAsync(HttpClient http, int? port, CancellationToken cancel)
    {
        if (port is not int p) return [];
        try
        {
            return MetricsText.Parse(await http.GetStringAsync($"http://127.0.0.1:{p}/metrics", cancel).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            return []; // the app is down or starting: its figures are left out, its health row already says why
        }
    }

    private static async Task<RunApp> ProbeAsync(RunApp app, CancellationToken cancel)
    {
        var sidecar = await Probes.StatusAsync($"http://127.0.0.1:{app.DaprHttpPort}/v1.0/healthz", cancel).ConfigureAwait(false);
        bool appOk = app.HealthUrl is { } url
            ? await Probes.StatusAsync(url, cancel).ConfigureAwait(false) is >= 200 and < 300
            : app.AppPort is not int port || await Probes.AcceptsConnectionsAsync(port, cancel).ConfigureAwait(false);
        var status = (sidecar == 204, appOk) switch
        {
            (true, true) => "healthy",
            (false, true) => "sidecar unhealthy",
            (true, false) => "app unhealthy",
            _ => "unhealthy",
        };
        return app with { Status = status };
    }
}
