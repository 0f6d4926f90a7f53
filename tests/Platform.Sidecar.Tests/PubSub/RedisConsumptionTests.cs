using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Sidecar.Core.PubSub;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Sidecar.Tests.PubSub;

/// <summary>The redis component's acknowledgement rules, against a real redis-server.</summary>
public sealed class RedisConsumptionTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [SkippableFact]
    public async Task A_handler_that_throws_leaves_the_message_pending_and_it_is_redelivered()
    {
        _redis.SkipIfUnavailable();
        var configuration = ConfigurationOptions.Parse($"{_redis.HostPort},abortConnect=false");
        configuration.Protocol = RedisProtocol.Resp2; // as RedisConnection.Options sets it for the component
        var options = new RedisPubSubOptions(configuration, null, ProcessingTimeout: TimeSpan.FromMilliseconds(300),
            RedeliverInterval: TimeSpan.FromMilliseconds(200), QueueDepth: 10, Concurrency: 2, MaxLenApprox: null);
        await using var pubsub = new RedisPubSub("pubsub", options, NullLogger<RedisPubSub>.Instance);
        var calls = new ConcurrentQueue<string>();
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var consuming = pubsub.ConsumeAsync(["orders"], "app", "consumer-1", (message, _) =>
        {
            calls.Enqueue(message.Id);
            if (calls.Count == 1) throw new InvalidOperationException("the app stream broke");
            handled.TrySetResult();
            return Task.CompletedTask;
        }, stop.Token);

        await pubsub.PublishAsync("orders", Encoding.UTF8.GetBytes("{}"));
        await handled.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, calls.Count);
        Assert.Single(calls.Distinct()); // the same message, reclaimed after processingTimeout, not acknowledged
        await stop.CancelAsync();
        await consuming;
    }
}
