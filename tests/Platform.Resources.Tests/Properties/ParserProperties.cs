using CsCheck;
using Platform.Resources.Durations;
using Platform.Resources.Serialization;

namespace Platform.Resources.Tests.Properties;

/// <summary>The YAML/JSON reader, ISO durations and the crash-loop back-off, over random input.</summary>
public sealed class ParserProperties
{
    private const string Manifest = """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
          annotations: {autoscaling.knative.dev/min-scale: "1"}
        spec:
          template:
            spec:
              containers:
                - image: ghcr.io/knative/helloworld-go
                  env: [{name: TARGET, value: World}]
          traffic: [{latestRevision: true, percent: 100}]
        """;

    // Characters that matter to YAML and JSON, so that mutations hit the grammar rather than plain text.
    private static readonly Gen<char> Syntax = Gen.Char[":-[]{},&*!|>'\"%@`#?\n\t 0aZ"];

    /// <summary>The manifest with random characters inserted, deleted or replaced.</summary>
    private static readonly Gen<string> Mutants = Gen.Select(Gen.Int[0, Manifest.Length - 1], Gen.Int[0, 2], Syntax, Gen.Int[1, 8])
        .Array[1, 6].Select(edits =>
        {
            var text = new System.Text.StringBuilder(Manifest);
            foreach (var (at, op, c, n) in edits)
            {
                var i = Math.Min(at, Math.Max(0, text.Length - 1));
                switch (op)
                {
                    case 0: text.Insert(i, new string(c, n)); break;
                    case 1: text.Remove(i, Math.Min(n, text.Length - i)); break;
                    default: if (text.Length > 0) text[i] = c; break;
                }
            }
            return text.ToString();
        });

    [Fact]
    public void The_reader_never_throws_on_a_mutated_manifest_it_returns_resources_or_errors_with_paths() =>
        Mutants.Sample(text =>
        {
            var result = ResourceSerializer.Default.Read(text);
            return result.Errors.All(e => !string.IsNullOrWhiteSpace(e.Message));
        }, iter: 3000);

    [Fact]
    public void The_reader_never_throws_on_random_text() =>
        Gen.String[Gen.Char, 0, 400].Sample(text => { ResourceSerializer.Default.Read(text); }, iter: 2000);

    [Fact]
    public void A_duration_in_seconds_reads_back_to_the_same_time_span() =>
        Gen.Long[0, TimeSpan.FromDays(400).Ticks / TimeSpan.TicksPerMillisecond].Sample(ms =>
        {
            var value = TimeSpan.FromMilliseconds(ms);
            var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PT{value.TotalSeconds:0.###}S");
            return IsoDuration.TryParse(text, out var parsed) && parsed == value;
        });

    [Fact]
    public void Duration_parsing_never_throws() =>
        Gen.String[Gen.Char["PTWDHMS0123456789.,-+"], 0, 30].Sample(text => { IsoDuration.TryParse(text, out _); });

    [Fact]
    public void The_restart_back_off_grows_never_shrinks_and_stays_within_its_bounds() =>
        Gen.Select(Gen.Int[1, 100_000], Gen.Long[1, TimeSpan.FromMinutes(1).Ticks], Gen.Long[1, TimeSpan.FromHours(1).Ticks]).Sample(t =>
        {
            var (streak, initialTicks, maxTicks) = t;
            var (initial, max) = (TimeSpan.FromTicks(initialTicks), TimeSpan.FromTicks(Math.Max(initialTicks, maxTicks)));
            var now = RestartBackoff.Delay(streak, initial, max);
            var next = RestartBackoff.Delay(streak + 1, initial, max);
            return now >= initial && now <= max && next >= now;
        });
}
