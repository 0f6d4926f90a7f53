using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Tests.Scaling;

/// <summary>
/// Drives a <see cref="RevisionAutoscaler"/> second by second: a stat every second (unless the load says null),
/// a decision every 2 s, and ready pods that follow the decided scale after <see cref="ReadyLag"/> seconds.
/// </summary>
internal sealed class Simulation
{
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly Dictionary<int, int> _scaleAt = [];

    public Simulation(RevisionAutoscaler autoscaler, int readyLag = 0)
    {
        Autoscaler = autoscaler;
        ReadyLag = readyLag;
    }

    public RevisionAutoscaler Autoscaler { get; private set; }
    public int ReadyLag { get; }
    public int Now { get; private set; }
    public List<(int At, int Scale, ScaleResult Result)> Trace { get; } = [];

    public static Simulation For(RevisionScalingSpec revision, AutoscalerDefaults? defaults = null, int readyLag = 0) =>
        new(new RevisionAutoscaler(new RevisionKey("default", "hello-00001"), DeciderSpec.Resolve(defaults ?? new AutoscalerDefaults(), revision), Start), readyLag);

    /// <summary>Runs <paramref name="seconds"/> seconds with concurrency (or rps) given per second; null = no stat.</summary>
    public Simulation Run(int seconds, Func<int, double?> load, bool rps = false)
    {
        for (var i = 0; i < seconds; i++, Now++)
        {
            var now = Start.AddSeconds(Now);
            _scaleAt[Now] = Autoscaler.CurrentScale;
            Autoscaler.ReportReady(Now - ReadyLag < 0 ? 0 : _scaleAt[Now - ReadyLag], now);
            if (load(Now) is { } value)
                Autoscaler.Record(new RevisionStat("default", "hello-00001", now, rps ? 0 : value, rps ? value : 0), now);
            if (Now % 2 == 0)
            {
                var result = Autoscaler.Decide(now);
                Trace.Add((Now, Autoscaler.CurrentScale, result));
            }
        }
        return this;
    }

    /// <summary>Simulates a restart: the autoscaler is rebuilt from its snapshot after <paramref name="downSeconds"/>.</summary>
    public Simulation Restart(int downSeconds)
    {
        var snapshot = Autoscaler.ToSnapshot();
        for (var i = 0; i < downSeconds; i++, Now++) _scaleAt[Now] = Autoscaler.CurrentScale;
        Autoscaler = RevisionAutoscaler.FromSnapshot(Autoscaler.Key, Autoscaler.Spec, snapshot, Start.AddSeconds(Now));
        return this;
    }

    /// <summary>First second at which the scale was <paramref name="scale"/>, at or after <paramref name="from"/>.</summary>
    public int? FirstAt(int scale, int from = 0) => Trace.Where(t => t.At >= from && t.Scale == scale).Select(t => (int?)t.At).FirstOrDefault();

    public int MinScaleFrom(int from) => Trace.Where(t => t.At >= from).Min(t => t.Scale);
    public int MaxScaleFrom(int from) => Trace.Where(t => t.At >= from).Max(t => t.Scale);
    public int ScaleAt(int at) => Trace.Last(t => t.At <= at).Scale;

    public override string ToString() => string.Join(" ", Trace.Select(t => $"{t.At}:{t.Scale}{(t.Result.InPanic ? "!" : "")}"));
}
