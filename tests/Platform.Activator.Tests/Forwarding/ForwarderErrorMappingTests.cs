using Microsoft.AspNetCore.Http;
using Platform.Activator.Forwarding;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Tests.Forwarding;

public class ForwarderErrorMappingTests
{
    public static TheoryData<ForwarderError, Exception?, bool, int?, string?> Cases => new()
    {
        { ForwarderError.None, null, false, null, null },
        { ForwarderError.None, null, true, null, null },
        { ForwarderError.Request, new HttpRequestException("refused"), false, 502, "backend-unreachable" },
        { ForwarderError.Request, new TaskCanceledException(), true, 504, "timeout" },
        { ForwarderError.RequestCanceled, null, true, 504, "timeout" },
        { ForwarderError.RequestTimedOut, null, false, 504, "timeout" },
        { ForwarderError.ResponseHeaders, new IOException("reset"), false, 502, "backend-failed" },
        { ForwarderError.RequestBodyClient, new BadHttpRequestException("too large", 413), false, 413, "body-too-large" },
        { ForwarderError.RequestBodyClient, new IOException("eof"), false, 400, "client-request" },
        { ForwarderError.RequestCanceled, null, false, 502, "canceled" },
        { ForwarderError.NoAvailableDestinations, null, false, 503, "no-replica" },
        { ForwarderError.UpgradeActivityTimeout, null, false, 504, "timeout" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Map(ForwarderError error, Exception? exception, bool deadlineExpired, int? wantStatus, string? wantCode)
    {
        var got = ForwarderErrorMapping.Map(error, exception, deadlineExpired, "default/hello-00001");
        Assert.Equal(wantStatus, got?.StatusCode);
        Assert.Equal(wantCode, got?.Error);
    }
}
