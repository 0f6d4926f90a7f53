using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Externalscaler;
using Grpc.Core;
using Xunit.Abstractions;

namespace Platform.Autoscaler.Tests.Keda;

/// <summary>
/// Contract tests of <c>externalscaler.ExternalScaler</c>: the real autoscaler process, called over h2c with a
/// client generated from the same <c>externalscaler.proto</c>, the way KEDA calls it.
/// </summary>
[Collection(AutoscalerProcessCollection.Name)]
public sealed class KedaExternalScalerContractTests(AutoscalerProcess app, ITestOutputHelper output)
{
    private static ScaledObjectRef Ref(string ns, string revision, bool namespaceInMetadata = true)
    {
        var reference = new ScaledObjectRef { Name = revision, Namespace = ns };
        reference.ScalerMetadata["revision"] = revision;
        if (namespaceInMetadata) reference.ScalerMetadata["namespace"] = ns;
        return reference;
    }

    [Fact]
    public async Task GetMetricSpecAsksForTheDesiredScaleAtAnAverageOfOne()
    {
        await app.CreatePodAutoscalerAsync("contract", "spec-conc-00001", containerConcurrency: 10);
        await app.CreatePodAutoscalerAsync("contract", "spec-rps-00001", annotations: new Dictionary<string, string> { ["metric"] = "rps" });

        var concurrency = (await app.Scaler.GetMetricSpecAsync(Ref("contract", "spec-conc-00001"))).MetricSpecs.Single();
        var rps = (await app.Scaler.GetMetricSpecAsync(Ref("contract", "spec-rps-00001", namespaceInMetadata: false))).MetricSpecs.Single();

#pragma warning disable CS0612 // the deprecated integer field is part of the contract
        Assert.Equal(("desired-scale", 1.0, 1L), (concurrency.MetricName, concurrency.TargetSizeFloat, concurrency.TargetSize));
        Assert.Equal(("desired-scale", 1.0, 1L), (rps.MetricName, rps.TargetSizeFloat, rps.TargetSize));
#pragma warning restore CS0612
    }

    [Fact]
    public async Task GetMetricsReportsThePodAutoscalersDesiredScale()
    {
        // Created at initial scale 2, no stat yet: the PodAutoscaler says 2, so the HPA computes ceil(2 / 1) = 2.
        const string ns = "contract", name = "nodata-00001";
        var desired = await app.CreatePodAutoscalerAsync(ns, name, containerConcurrency: 10,
            annotations: new Dictionary<string, string> { ["target-utilization-percentage"] = "100", ["initial-scale"] = "2" });
        Assert.Equal(2, desired);
        var value = (await MetricsAsync(Ref(ns, name))).MetricValues.Single();
        Assert.Equal(2, value.MetricValueFloat);
        Assert.Equal(2, GetInt(value));
        Assert.True((await app.Scaler.IsActiveAsync(Ref(ns, name))).Result);
    }

    [Fact]
    public async Task PollingLoopReportsEveryDecisionOfTheDecider()
    {
        const string ns = "contract", name = "poll-00001";
        await app.CreatePodAutoscalerAsync(ns, name, containerConcurrency: 10, annotations: new Dictionary<string, string> { ["target-utilization-percentage"] = "100" });
        await app.ReportReadyAsync(ns, name, 3);

        // KEDA: GetMetricSpec once at reconcile.
        var spec = (await app.Scaler.GetMetricSpecAsync(Ref(ns, name))).MetricSpecs.Single();
        Assert.Equal(1, spec.TargetSizeFloat);

        // The activator: 28 in flight, one stat per second: the decider scales up (to 3 once stable).
        using var feeding = new CancellationTokenSource();
        var feeder = FeedAsync(ns, name, 28, feeding.Token);
        try
        {
            await app.WaitForDesiredScaleAsync(ns, name, d => d >= 3);
            var matched = 0;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (matched < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
                // KEDA: per poll, GetMetrics then IsActive; the HPA wants ceil(value / 1) replicas.
                var metrics = await app.Scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = Ref(ns, name), MetricName = spec.MetricName });
                var active = await app.Scaler.IsActiveAsync(Ref(ns, name));
                var value = metrics.MetricValues.Single();
                var decider = await app.Http.GetFromJsonAsync<JsonElement>($"/revisions/{ns}/{name}/scale");
                var hpaWant = (int)Math.Ceiling(value.MetricValueFloat / spec.TargetSizeFloat);
                output.WriteLine($"metric {value.MetricValueFloat:F2} (int {GetInt(value)}), active {active.Result}, HPA wants {hpaWant}, decider {decider.GetProperty("desiredScale").GetInt32()} ({decider.GetProperty("reason").GetString()})");
                Assert.True(active.Result);
                Assert.Equal((long)Math.Ceiling(value.MetricValueFloat), GetInt(value));
                Assert.Equal(spec.MetricName, value.MetricName);
                if (hpaWant == decider.GetProperty("desiredScale").GetInt32()) matched++;
            }
            Assert.True(matched >= 3, $"HPA's ceil(value / 1) never matched the decider 3 times\n{app.Logs}");
        }
        finally
        {
            await feeding.CancelAsync();
            await feeder;
        }
    }

    [Fact]
    public async Task A_desired_scale_lost_in_the_PodAutoscaler_is_written_again()
    {
        // Level-triggered: whatever another writer (or a write lost across a restart) leaves in status.desiredScale,
        // the autoscaler puts its own decision back, and KEDA reports that.
        const string ns = "contract", name = "lost-00001";
        Assert.Equal(2, await app.CreatePodAutoscalerAsync(ns, name, annotations: new Dictionary<string, string> { ["min-scale"] = "2" }));
        await app.ControlPlane.Store.PatchAsync(Platform.ControlPlane.Kinds.ResourceKinds.PodAutoscaler, ns, name,
            new System.Text.Json.Nodes.JsonObject { ["status"] = new System.Text.Json.Nodes.JsonObject { ["desiredScale"] = 0 } }, status: true);
        Assert.Equal(2, await app.WaitForDesiredScaleAsync(ns, name, d => d == 2));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        double reported;
        while ((reported = (await MetricsAsync(Ref(ns, name))).MetricValues.Single().MetricValueFloat) != 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(2, reported);
    }

    [Fact]
    public async Task StreamIsActiveSeesTrueWithin100MillisecondsOfAPoke()
    {
        // Several revisions at zero, each with an open stream, each poked once: the first includes the JIT of the path.
        var latencies = new List<double>();
        for (var i = 1; i <= 5; i++)
        {
            const string ns = "contract";
            var name = $"stream-{i:D5}";
            await app.CreatePodAutoscalerAsync(ns, name, annotations: new Dictionary<string, string> { ["initial-scale"] = "0" });
            Assert.False((await app.Scaler.IsActiveAsync(Ref(ns, name))).Result);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var stream = app.Scaler.StreamIsActive(Ref(ns, name), cancellationToken: timeout.Token);
            Assert.True(await stream.ResponseStream.MoveNext());
            Assert.False(stream.ResponseStream.Current.Result);

            var watch = Stopwatch.StartNew();
            using (var poke = await app.Http.PostAsync($"/poke/{ns}/{name}", null))
                Assert.Equal(System.Net.HttpStatusCode.Accepted, poke.StatusCode);
            while (await stream.ResponseStream.MoveNext() && !stream.ResponseStream.Current.Result) { }
            latencies.Add(watch.Elapsed.TotalMilliseconds);

            Assert.True(stream.ResponseStream.Current.Result, $"{name}: stream ended without true");
            Assert.True((await app.Scaler.IsActiveAsync(Ref(ns, name))).Result);
        }
        output.WriteLine($"poke → StreamIsActive true (POST /poke round trip included), ms: {string.Join(", ", latencies.Select(l => l.ToString("F1")))}; goal ≤ 100 ms");
        // Generous bound: the machine is shared; the figure above is what counts.
        Assert.All(latencies, l => Assert.True(l < 5000, $"took {l} ms"));
    }

    [Fact]
    public async Task A_request_queued_through_another_replica_or_before_a_restart_makes_this_replica_active()
    {
        // Another replica took the poke (or this one was restarted since): all it left is the PodAutoscaler's
        // Active=Unknown/Queued condition, which this replica reads from the control plane.
        const string ns = "contract";
        const string name = "queued-00001";
        await app.CreatePodAutoscalerAsync(ns, name, annotations: new Dictionary<string, string> { ["initial-scale"] = "0" });
        Assert.False((await app.Scaler.IsActiveAsync(Ref(ns, name))).Result);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = app.Scaler.StreamIsActive(Ref(ns, name), cancellationToken: timeout.Token);
        Assert.True(await stream.ResponseStream.MoveNext());
        Assert.False(stream.ResponseStream.Current.Result);

        var pa = await app.ControlPlane.Store.GetAsync(Platform.ControlPlane.Kinds.ResourceKinds.PodAutoscaler, ns, name);
        await app.ControlPlane.Store.PatchAsync(Platform.ControlPlane.Kinds.ResourceKinds.PodAutoscaler, ns, name,
            Platform.Autoscaler.PodAutoscalers.PodAutoscalerStatusPatch.Queue(pa!["status"] as System.Text.Json.Nodes.JsonObject, DateTimeOffset.UtcNow), status: true);

        while (await stream.ResponseStream.MoveNext() && !stream.ResponseStream.Current.Result) { }
        Assert.True(stream.ResponseStream.Current.Result, "StreamIsActive ended without true");
        Assert.True((await app.Scaler.IsActiveAsync(Ref(ns, name))).Result);
    }

    [Fact]
    public async Task StreamMetricSpec_of_KEDAs_newer_proto_is_unimplemented_so_KEDA_keeps_polling_specs()
    {
        await app.CreatePodAutoscalerAsync("contract", "specstream-00001");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = app.Scaler.StreamMetricSpec(Ref("contract", "specstream-00001"), cancellationToken: timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task UnknownRevisionIsNotFoundNamingIt()
    {
        var reference = Ref("contract", "missing-00001");
        foreach (var call in new Func<Task>[]
        {
            async () => await app.Scaler.IsActiveAsync(reference),
            async () => await app.Scaler.GetMetricSpecAsync(reference),
            async () => await app.Scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = reference, MetricName = "desired-scale" }),
            async () =>
            {
                using var stream = app.Scaler.StreamIsActive(reference);
                await stream.ResponseStream.MoveNext();
            },
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Contains("contract/missing-00001", error.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MissingScalerMetadataIsInvalidArgumentNamingTheKey()
    {
        var noRevision = new ScaledObjectRef { Name = "x", Namespace = "contract" };
        var error = await Assert.ThrowsAsync<RpcException>(async () => await app.Scaler.IsActiveAsync(noRevision));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("scalerMetadata.revision", error.Status.Detail, StringComparison.Ordinal);

        var noNamespace = new ScaledObjectRef { Name = "x" };
        noNamespace.ScalerMetadata["revision"] = "x-00001";
        error = await Assert.ThrowsAsync<RpcException>(async () => await app.Scaler.GetMetricSpecAsync(noNamespace));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("scalerMetadata.namespace", error.Status.Detail, StringComparison.Ordinal);
    }

    // As KEDA polls: the autoscaler's view of a PodAutoscaler trails the control plane by one watch event, and
    // before it has one GetMetrics answers Unavailable; the next poll gets the value.
    private async Task<GetMetricsResponse> MetricsAsync(ScaledObjectRef reference)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await app.Scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = reference, MetricName = "desired-scale" });
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

#pragma warning disable CS0612
    private static long GetInt(MetricValue value) => value.MetricValue_;
#pragma warning restore CS0612

    private async Task FeedAsync(string ns, string name, double concurrency, CancellationToken ct)
    {
        var lastSecond = -1L;
        while (!ct.IsCancellationRequested)
        {
            var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (second != lastSecond)
            {
                lastSecond = second;
                var stats = new[] { new { @namespace = ns, revision = name, time = DateTimeOffset.UtcNow, averageConcurrency = concurrency, requestCount = concurrency } };
                try { using var _ = await app.Http.PostAsJsonAsync("/stats", stats, ct); }
                catch (OperationCanceledException) { return; }
            }
            try { await Task.Delay(100, ct); } catch (OperationCanceledException) { return; }
        }
    }
}
