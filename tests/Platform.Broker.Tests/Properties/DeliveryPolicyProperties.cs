using CsCheck;
using Platform.Broker.Delivery;

namespace Platform.Broker.Tests.Properties;

/// <summary>The backoff maths of a DeliverySpec, over random delays, policies and retry counts.</summary>
public sealed class DeliveryPolicyProperties
{
    private static readonly Gen<DeliveryPolicy> Policies = Gen.Select(
        Gen.Int[0, 1000], Gen.OneOf(BackoffKind.None, BackoffKind.Linear, BackoffKind.Exponential), Gen.Long[0, TimeSpan.FromDays(30).Ticks],
        (retry, kind, delayTicks) => new DeliveryPolicy(retry, kind, TimeSpan.FromTicks(delayTicks), TimeSpan.FromSeconds(30), null, CloudNative.CloudEvents.ContentMode.Binary, null));

    [Fact]
    public void Backoff_never_throws_is_never_negative_and_never_shrinks_as_retries_grow() =>
        Gen.Select(Policies, Gen.Int[1, 10_000]).Sample(t =>
        {
            var (policy, retry) = t;
            var now = policy.BackoffBefore(retry);
            var next = policy.BackoffBefore(retry + 1);
            return now >= TimeSpan.Zero && next >= now;
        });

    [Fact]
    public void Linear_is_delay_times_retries_before_and_exponential_doubles_until_it_saturates() =>
        Gen.Select(Gen.Long[1, TimeSpan.FromMinutes(10).Ticks], Gen.Int[1, 20]).Sample(t =>
        {
            var (ticks, retry) = t;
            var delay = TimeSpan.FromTicks(ticks);
            var linear = new DeliveryPolicy(5, BackoffKind.Linear, delay, TimeSpan.FromSeconds(1), null, CloudNative.CloudEvents.ContentMode.Binary, null);
            var exponential = linear with { Backoff = BackoffKind.Exponential };
            return linear.BackoffBefore(retry) == delay * (retry - 1)
                && exponential.BackoffBefore(retry + 1) == exponential.BackoffBefore(retry) * 2;
        });

    [Fact]
    public void Retry_after_is_honoured_only_up_to_its_cap_and_never_below_the_backoff() =>
        Gen.Select(Policies, Gen.Int[1, 50], Gen.Long[0, TimeSpan.FromHours(2).Ticks], Gen.Long[0, TimeSpan.FromHours(1).Ticks]).Sample(t =>
        {
            var (policy, retry, wantedTicks, capTicks) = t;
            var capped = policy with { RetryAfterMax = TimeSpan.FromTicks(capTicks) };
            var wait = capped.DelayBefore(retry, 503, TimeSpan.FromTicks(wantedTicks));
            var backoff = capped.BackoffBefore(retry);
            return wait >= backoff && (wait == backoff || wait <= TimeSpan.FromTicks(capTicks));
        });
}
