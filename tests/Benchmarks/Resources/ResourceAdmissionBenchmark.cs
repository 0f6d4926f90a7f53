using System.Diagnostics;
using System.Text.Json;
using Platform.Benchmarks.Harness;
using Platform.Resources;
using Platform.Resources.Serialization;
using Platform.Resources.Serving;

namespace Platform.Benchmarks.Resources;

/// <summary>
/// What the control-plane API does to every applied Service before storing it — read YAML (with the unknown-field
/// check), default, validate, write JSON — against a bare System.Text.Json deserialize + serialize of the same
/// object in the same run.
/// </summary>
public sealed class ResourceAdmissionBenchmark : IBenchmark
{
    private const string Yaml = """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
          namespace: default
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/min-scale: "1"
                autoscaling.knative.dev/target: "10"
            spec:
              containers:
                - image: gcr.io/knative-samples/helloworld-go
                  ports:
                    - containerPort: 8080
                  env:
                    - name: TARGET
                      value: "Go Sample v1"
          traffic:
            - latestRevision: true
              percent: 100
        """;

    /// <inheritdoc />
    public string Name => "resource-admission";

    /// <inheritdoc />
    public string Description => "Service manifests read+defaulted+validated+written per second vs bare System.Text.Json round trip";

    /// <inheritdoc />
    public Task RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var duration = options.Short ? TimeSpan.FromMilliseconds(700) : TimeSpan.FromSeconds(4);
        var serializer = ResourceSerializer.Default;
        var admission = ResourceAdmission.Knative;
        var json = serializer.ToJson(serializer.ReadOne(Yaml), indented: false);

        string Admit(string text)
        {
            var read = serializer.Read(text);
            var result = admission.Create(read.Resources[0]);
            return result.Allowed ? serializer.ToJson(result.Resource, indented: false) : throw new InvalidOperationException(string.Join("; ", result.Errors));
        }

        var parsed = serializer.ReadOne(Yaml);
        (string Label, Func<int> Operation)[] operations =
        [
            ("baseline: STJ deserialize+serialize", () => JsonSerializer.Serialize(JsonSerializer.Deserialize<Service>(json, serializer.JsonOptions)!, serializer.JsonOptions).Length),
            ("  of which: YAML read (typed, checked)", () => serializer.Read(Yaml).Resources.Count),
            ("  of which: JSON read (typed, checked)", () => serializer.Read(json).Resources.Count),
            ("  of which: default+validate", () => admission.Create(parsed).Errors.Count + 1),
            ("YAML read+default+validate+JSON write", () => Admit(Yaml).Length),
            ("JSON read+default+validate+JSON write", () => Admit(json).Length),
        ];

        // Slices of every operation are interleaved so that load from other processes hits all of them alike.
        var counts = new long[operations.Length];
        var elapsed = new TimeSpan[operations.Length];
        var slice = TimeSpan.FromMilliseconds(50);
        var rounds = (int)(duration / slice);
        for (var round = -rounds / 4; round < rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            for (var i = 0; i < operations.Length; i++)
            {
                var (count, time) = Run(operations[i].Operation, slice);
                if (round >= 0)
                {
                    counts[i] += count;
                    elapsed[i] += time;
                }
            }
        }

        var baseline = counts[0] / elapsed[0].TotalSeconds;
        for (var i = 0; i < operations.Length; i++)
        {
            var perSecond = counts[i] / elapsed[i].TotalSeconds;
            var line = $"  {operations[i].Label,-40} {perSecond,12:N0} docs/s";
            if (i > 0)
            {
                line += $"  ratio {perSecond / baseline:0.000}";
            }

            if (i >= 4)
            {
                line += $"  ({1000 / perSecond * 1000:0.0} ms per 1,000 Services)";
            }

            Console.WriteLine(line);
            if (i >= 4) options.Report.Figure(operations[i].Label + " ratio to baseline", perSecond / baseline, "x");
        }
        options.Report.Baseline("System.Text.Json deserialize+serialize of the same Service; slices interleaved with every operation");

        return Task.CompletedTask;
    }

    private static (long Count, TimeSpan Elapsed) Run(Func<int> operation, TimeSpan slice)
    {
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < slice)
        {
            if (operation() <= 0)
            {
                throw new InvalidOperationException("empty output");
            }

            count++;
        }

        return (count, stopwatch.Elapsed);
    }
}
