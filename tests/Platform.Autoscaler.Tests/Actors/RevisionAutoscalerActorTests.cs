using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Actors;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.Serving.Contracts.Revisions;
using Platform.Serving.Contracts.Stats;

namespace Platform.Autoscaler.Tests.Actors;

/// <summary>
/// The actor shell without a sidecar (the state store paths need one and are covered through
/// <see cref="RevisionScaler"/>): it is created the way the Dapr runtime creates it, parses its id into the revision
/// and treats an unconfigured revision as unknown.
/// </summary>
public class RevisionAutoscalerActorTests
{
    private static RevisionAutoscalerActor Create(string id)
    {
        var host = ActorHost.CreateForTest<RevisionAutoscalerActor>(new ActorTestOptions { ActorId = new ActorId(id) });
        return new RevisionAutoscalerActor(host, Options.Create(new AutoscalerDefaults()), new NoTarget(),
            TimeProvider.System, NullLogger<RevisionAutoscalerActor>.Instance);
    }

    [Fact]
    public async Task UnconfiguredRevisionIsUnknown()
    {
        var actor = Create(new RevisionKey("default", "hello-00001").ActorId);
        Assert.Equal(StatOutcome.UnknownRevision, await actor.RecordAsync(new RevisionStat("default", "hello-00001", default, 1, 1)));
        Assert.Null(await actor.GetStatusAsync());
        Assert.False(await actor.ReportReadyAsync(2));
    }

    [Fact]
    public void ActorIdMustNameARevision()
    {
        Assert.Throws<FormatException>(() => Create("no-separator"));
        Assert.Equal(new RevisionKey("default", "hello-00001"), RevisionKey.FromActorId("default:hello-00001"));
    }

    private sealed class NoTarget : IScaleTarget
    {
        public Task ApplyAsync(RevisionKey revision, ScaleResult decision, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
