using System.Globalization;

namespace Platform.Resources.Eventing;

/// <summary>A Trigger's own delivery limits, from its annotations (null: no limit set).</summary>
/// <param name="MaxInFlight">At most this many deliveries to the subscriber at once.</param>
/// <param name="EventsPerSecond">At most this many deliveries started per second (paced evenly).</param>
public readonly record struct DeliveryLimitAnnotations(int? MaxInFlight, double? EventsPerSecond);

/// <summary>
/// Platform's per-trigger delivery limits (Knative has none; eventing#4171 asks for them): the annotations
/// <see cref="MaxInFlight"/> (an integer 1..10000) and <see cref="EventsPerSecond"/> (a number &gt; 0, at most
/// 1,000,000, fractions allowed: <c>0.5</c> is one event every two seconds). Parsing reports each bad value with its
/// field path; admission refuses the object, and the broker (where admission did not run) marks the Trigger not Ready.
/// </summary>
public static class DeliveryAnnotations
{
    /// <summary>Deliveries in flight to the subscriber at most.</summary>
    public const string MaxInFlight = "eventing.platform.dev/max-in-flight";

    /// <summary>Deliveries started per second at most.</summary>
    public const string EventsPerSecond = "eventing.platform.dev/events-per-second";

    /// <summary>Largest <see cref="MaxInFlight"/>.</summary>
    public const int MaxInFlightLimit = 10_000;

    /// <summary>Largest <see cref="EventsPerSecond"/>.</summary>
    public const double EventsPerSecondLimit = 1_000_000;

    /// <summary>Reads both annotations; each bad value is added to <paramref name="errors"/> as (path, message) and ignored.</summary>
    public static DeliveryLimitAnnotations Parse(IReadOnlyDictionary<string, string>? annotations, string path, ICollection<(string Path, string Message)> errors)
    {
        int? maxInFlight = null;
        double? eventsPerSecond = null;
        if (annotations is null) return default;
        if (annotations.TryGetValue(MaxInFlight, out var m))
        {
            if (int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxInFlightLimit) maxInFlight = n;
            else errors.Add(($"{path}[{MaxInFlight}]", $"must be an integer from 1 to {MaxInFlightLimit}, not \"{m}\""));
        }
        if (annotations.TryGetValue(EventsPerSecond, out var r))
        {
            if (double.TryParse(r, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate > 0 && rate <= EventsPerSecondLimit) eventsPerSecond = rate;
            else errors.Add(($"{path}[{EventsPerSecond}]", $"must be a number greater than 0 and at most {EventsPerSecondLimit:0}, not \"{r}\""));
        }
        return new DeliveryLimitAnnotations(maxInFlight, eventsPerSecond);
    }
}
