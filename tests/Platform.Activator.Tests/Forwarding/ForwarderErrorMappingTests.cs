using Microsoft.AspNetCore.Http;
using Platform.Activator.Forwarding;
using Platform.Testing;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Tests.Forwarding;

public class ForwarderErrorMappingTests
{
    // label → YARP's error, its exception, the revision limit that ran out, want status, want code (null: no failure)
    private static readonly Rows<ForwarderError, Exception?, ExpiredLimit, int?, string?> Table = new()
    {
        { "success", ForwarderError.None, null, ExpiredLimit.None, null, null },
        { "success as the deadline passes", ForwarderError.None, null, ExpiredLimit.Total, null, null },
        { "refused", ForwarderError.Request, new HttpRequestException("refused"), ExpiredLimit.None, 502, "backend-unreachable" },
        { "deadline while sending", ForwarderError.Request, new TaskCanceledException(), ExpiredLimit.Total, 504, "timeout" },
        { "deadline seen as canceled", ForwarderError.RequestCanceled, null, ExpiredLimit.Total, 504, "timeout" },
        { "activity timeout without an idle limit", ForwarderError.RequestTimedOut, null, ExpiredLimit.None, 504, "timeout" },
        { "reset while reading headers", ForwarderError.ResponseHeaders, new IOException("reset"), ExpiredLimit.None, 502, "backend-failed" },
        { "body too large", ForwarderError.RequestBodyClient, new BadHttpRequestException("too large", 413), ExpiredLimit.None, 413, "body-too-large" },
        { "client body failed", ForwarderError.RequestBodyClient, new IOException("eof"), ExpiredLimit.None, 400, "client-request" },
        { "client went away", ForwarderError.RequestCanceled, null, ExpiredLimit.None, 502, "canceled" },
        { "no destination", ForwarderError.NoAvailableDestinations, null, ExpiredLimit.None, 503, "no-replica" },
        { "upgrade idle", ForwarderError.UpgradeActivityTimeout, null, ExpiredLimit.None, 504, "timeout" },
        { "response start limit seen as canceled", ForwarderError.RequestCanceled, null, ExpiredLimit.ResponseStart, 504, "response-start-timeout" },
        { "response start limit while sending", ForwarderError.Request, new TaskCanceledException(), ExpiredLimit.ResponseStart, 504, "response-start-timeout" },
        { "idle limit before the response", ForwarderError.RequestTimedOut, null, ExpiredLimit.Idle, 504, "idle-timeout" },
        { "success with an idle limit", ForwarderError.None, null, ExpiredLimit.Idle, null, null },
    };

    public static TheoryData<string> Labels => Table.Labels;

    [Theory]
    [MemberData(nameof(Labels))]
    public void Map(string label)
    {
        var (error, exception, expired, wantStatus, wantCode) = Table[label];
        var got = ForwarderErrorMapping.Map(error, exception, expired, "default/hello-00001");
        Assert.Equal((wantStatus, wantCode), (got?.StatusCode, got?.Error));
    }
}
