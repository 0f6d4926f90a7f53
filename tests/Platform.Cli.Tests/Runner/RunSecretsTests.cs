using Platform.Cli.Client;
using Platform.Cli.Runner.Launch;
using Platform.Cli.Runner.RunFile;
using Platform.Cli.Runner.Secrets;

namespace Platform.Cli.Tests.Runner;

public class RunSecretsTests
{
    private static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["{{platform:api-token}}"] = "rw-secret",
        ["{{platform:dapr-api-token}}"] = "dapr-secret",
    };

    // label, dapr.yaml value, substituted value (null: refused), fragment of the error
    public static TheoryData<string, string, string?, string> Values => new()
    {
        { "plain value", "http://127.0.0.1:5100/", "http://127.0.0.1:5100/", "" },
        { "placeholder", "{{platform:api-token}}", "rw-secret", "" },
        { "placeholder with spaces around", " {{platform:dapr-api-token}} ", "dapr-secret", "" },
        { "unknown placeholder", "{{platform:root-password}}", null, "is not one of the placeholders" },
        { "placeholder inside text", "Bearer {{platform:api-token}}", null, "a placeholder is the whole value" },
        { "known placeholder without a value", "{{platform:app-api-token}}", null, "has no value" },
        { "other braces are not ours", "{{ .Values.x }}", "{{ .Values.x }}", "" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Placeholders_are_replaced_whole_or_refused(string label, string value, string? expected, string error)
    {
        var result = RunSecrets.Substitute(value, Secrets, out var message);
        Assert.True(expected == result, $"{label}: got {result ?? "(refused)"} {message}");
        if (expected is null) Assert.Contains(error, message);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_first_run_creates_every_secret_with_mode_0600_and_later_runs_reuse_them()
    {
        var dir = Path.Combine(Path.GetTempPath(), "platform-secrets-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var first = RunSecrets.Ensure(dir);
            Assert.Equal(RunSecrets.Placeholders.Keys.Order(), first.Keys.Order());
            Assert.All(first.Values, v => Assert.True(v.Length >= 40, v));
            Assert.Equal(first.Count, first.Values.Distinct().Count());
            foreach (var file in RunSecrets.Placeholders.Values)
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, file)));

            // Loosened by hand: tightened again; the values stay.
            File.SetUnixFileMode(Path.Combine(dir, RunSecrets.ApiTokenFile), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var second = RunSecrets.Ensure(dir);
            Assert.Equal(first, second);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, RunSecrets.ApiTokenFile)));

            // The CLI finds the read-write token from a folder below the run's (PLATFORM_API_TOKEN unset).
            if (Environment.GetEnvironmentVariable(ApiToken.Variable) is not { Length: > 0 })
                Assert.Equal(first["{{platform:api-token}}"], ApiTokenFromBeside(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // The run folder is {base}/.platform: the CLI looks for .platform/api-token from {base}.
    private static string? ApiTokenFromBeside(string platformDir)
    {
        var baseDir = Path.Combine(Path.GetTempPath(), "platform-base-" + Guid.NewGuid().ToString("N")[..8]);
        var sub = Directory.CreateDirectory(Path.Combine(baseDir, "a", "b")).FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(baseDir, ".platform"));
            File.Copy(Path.Combine(platformDir, RunSecrets.ApiTokenFile), Path.Combine(baseDir, ".platform", RunSecrets.ApiTokenFile));
            return ApiToken.Find(sub);
        }
        finally
        {
            Directory.Delete(baseDir, recursive: true);
        }
    }

    [Fact]
    public void Apps_get_their_placeholders_filled_and_each_sidecar_gets_its_apps_dapr_tokens_only()
    {
        var app = new AppSpec
        {
            AppId = "broker",
            Index = 0,
            AppDirPath = "/repo/svc",
            AppPort = 5300,
            Command = ["dotnet", "run"],
            Env = new Dictionary<string, string>
            {
                ["ResourceStore__Token"] = "{{platform:api-token}}",
                ["DAPR_API_TOKEN"] = "{{platform:dapr-api-token}}",
            },
        };
        var env = AppEnvironment.ForApp(new AppLaunch(app, new AppPorts(5300, 3503, 50004, 9193), []), secrets: Secrets);
        Assert.Equal("rw-secret", env.Set["ResourceStore__Token"]);
        Assert.Equal("dapr-secret", env.Set["DAPR_API_TOKEN"]);
        var sidecar = AppEnvironment.ForSidecar(env);
        Assert.Equal(new Dictionary<string, string> { ["DAPR_API_TOKEN"] = "dapr-secret" }, sidecar.Set);

        var bad = app with { Env = new Dictionary<string, string> { ["X"] = "{{platform:nope}}" } };
        var error = Assert.Throws<InvalidOperationException>(() => AppEnvironment.ForApp(new AppLaunch(bad, new AppPorts(5300, 3503, 50004, 9193), []), secrets: Secrets));
        Assert.Contains("app broker: env.X", error.Message);
    }
}
