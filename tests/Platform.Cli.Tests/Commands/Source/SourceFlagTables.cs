using Platform.Cli.Commands.Resources;
using Platform.Cli.Commands.Source;
using Platform.Resources.Duck;
using Platform.Resources.Sources;

namespace Platform.Cli.Tests.Commands.Source;

/// <summary>Tables for the pure parts behind the source flags: what each flag does to a spec, and what is refused.</summary>
public sealed class SourceFlagTables
{
    private static KeyValues Overrides(string text) => KeyValues.Parse("--ce-override", text.Length == 0 ? [] : text.Split(' '));

    // label, current data|dataBase64|timezone|extensions, --data, --timezone, --ce-override, want data|dataBase64|timezone|extensions
    [Theory]
    [InlineData("nothing given keeps everything", "hi||Europe/Paris|team=blue", null, null, "", "hi||Europe/Paris|team=blue")]
    [InlineData("text data replaces base64", "|aGk=||", "hello", null, "", "hello|||")]
    [InlineData("base64 data replaces text", "hi|||", "base64:aGk=", null, "", "|aGk=||")]
    [InlineData("an empty timezone clears it", "|||", null, "", "", "|||")]
    [InlineData("a timezone is set", "|||", null, "Asia/Tokyo", "", "||Asia/Tokyo|")]
    [InlineData("overrides add and remove", "|||team=blue", null, null, "tier=gold team-", "|||tier=gold")]
    [InlineData("removing the last override drops the block", "|||team=blue", null, null, "team-", "|||")]
    public void Ping_flags_edit_the_spec(string label, string current, string? data, string? timezone, string overrides, string want)
    {
        var parts = current.Split('|');
        var spec = new PingSourceSpec
        {
            Data = Blank(parts[0]),
            DataBase64 = Blank(parts[1]),
            Timezone = Blank(parts[2]),
            CeOverrides = parts[3].Length == 0 ? null : new CloudEventOverrides { Extensions = parts[3].Split(' ').ToDictionary(p => p.Split('=')[0], p => p.Split('=')[1]) },
        };
        new PingSourceFlags(null, data, null, timezone, null, Overrides(overrides)).ApplyTo(spec);
        var got = $"{spec.Data}|{spec.DataBase64}|{spec.Timezone}|{string.Join(' ', (spec.CeOverrides?.Extensions ?? []).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))}";
        Assert.True(want == got, $"{label}: want {want}, got {got}");
    }

    [Fact]
    public void Ping_flags_know_when_nothing_was_given()
    {
        Assert.True(new PingSourceFlags(null, null, null, null, null, KeyValues.Empty).IsEmpty);
        Assert.False(new PingSourceFlags(null, null, null, null, new Destination { Uri = "http://x" }, KeyValues.Empty).IsEmpty);
    }

    // label, current resources ("apiVersion:kind[:k=v,...]" separated by spaces), --resource values, want
    [Theory]
    [InlineData("add to none", "", "v1:Event", "v1:Event")]
    [InlineData("with a selector", "", "serving.knative.dev/v1:Service:app=shop,tier=web", "serving.knative.dev/v1:Service:app=shop,tier=web")]
    [InlineData("same kind replaces its selector", "v1:Event:a=1", "v1:Event:b=2", "v1:Event:b=2")]
    [InlineData("another kind is added", "v1:Event", "serving.knative.dev/v1:Service", "v1:Event serving.knative.dev/v1:Service")]
    [InlineData("trailing dash removes", "v1:Event serving.knative.dev/v1:Service", "v1:Event-", "serving.knative.dev/v1:Service")]
    [InlineData("spaces around parts are trimmed", "", " v1 : Event : a = 1 ", "v1:Event:a=1")]
    public void Apiserver_resources(string label, string current, string given, string want)
    {
        var spec = new ApiServerSourceSpec { Resources = current.Length == 0 ? null : [.. current.Split(' ').Select(r => ApiServerSourceFlags.ParseResource(r))] };
        new ApiServerSourceFlags(given.Length == 0 ? [] : [given], null, null, null, KeyValues.Empty).ApplyTo(spec, allowRemove: true);
        var got = string.Join(' ', (spec.Resources ?? []).Select(r => $"{r.ApiVersion}:{r.Kind}" +
            (r.Selector?.MatchLabels is { } labels ? ":" + string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")) : "")));
        Assert.True(want == got, $"{label}: want {want}, got {got}");
    }

    [Theory]
    [InlineData("Event", "expected APIVERSION:KIND")]
    [InlineData(":Event", "expected APIVERSION:KIND")]
    [InlineData("v1:", "expected APIVERSION:KIND")]
    [InlineData("v1:Event:app", "must be KEY=VALUE pairs")]
    [InlineData("v1:Event:app!=x", "must be KEY=VALUE pairs")]
    [InlineData("v1:Pod-", "has no resource v1:Pod to remove")]
    public void Apiserver_resources_refused(string given, string message)
    {
        var spec = new ApiServerSourceSpec { Resources = [new ApiServerResource { ApiVersion = "v1", Kind = "Event" }] };
        var e = Assert.Throws<UsageException>(() => new ApiServerSourceFlags([given], null, null, null, KeyValues.Empty).ApplyTo(spec, allowRemove: true));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("Reference", "Reference")]
    [InlineData("reference", "Reference")]
    [InlineData("ref", "Reference")]
    [InlineData("RESOURCE", "Resource")]
    public void Apiserver_modes(string given, string want) => Assert.Equal(want, ApiServerSourceFlags.ParseMode(given));

    [Fact]
    public void Apiserver_mode_refused_names_the_choices() =>
        Assert.Contains("must be Reference", Assert.Throws<UsageException>(() => ApiServerSourceFlags.ParseMode("object")).Message);

    private static string? Blank(string s) => s.Length == 0 ? null : s;
}
