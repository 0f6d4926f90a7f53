using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Activator.Tests.Integration;

/// <summary>
/// The activator's log defaults: no per-request lines from the framework or YARP's forwarder at Information (two lines
/// per request would cost more than forwarding it), while its own lines and everyone's warnings stay.
/// </summary>
public class LoggingDefaultsTests
{
    public static TheoryData<string, string, string?, LogLevel, bool> Rows => new()
    {
        // label, category, configured Yarp level (null: the default), level asked, enabled
        { "YARP's per-request Information", "Yarp.ReverseProxy.Forwarder.HttpForwarder", null, LogLevel.Information, false },
        { "YARP's warnings", "Yarp.ReverseProxy.Forwarder.HttpForwarder", null, LogLevel.Warning, true },
        { "YARP at Information when asked for", "Yarp.ReverseProxy.Forwarder.HttpForwarder", "Information", LogLevel.Information, true },
        { "ASP.NET Core's per-request Information", "Microsoft.AspNetCore.Routing.EndpointMiddleware", null, LogLevel.Information, false },
        { "the activator's own Information", "Platform.Activator.Routing.RouteTableStore", null, LogLevel.Information, true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Per_request_framework_lines_are_off_unless_configured(string label, string category, string? yarpLevel, LogLevel level, bool enabled)
    {
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" };
        if (yarpLevel is not null) settings["Logging:LogLevel:Yarp"] = yarpLevel;
        await using var activator = await TestActivator.StartAsync(settings);
        var logger = activator.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
        Assert.True(enabled == logger.IsEnabled(level), label);
    }
}
