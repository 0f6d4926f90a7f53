using Yarp.ReverseProxy.Forwarder;

namespace Platform.Activator.Forwarding;

/// <summary>An answer the activator gives instead of the revision's, with a JSON reason.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Error">Stable machine-readable code, e.g. <c>timeout</c>.</param>
/// <param name="Message">What happened, naming the revision or host.</param>
internal readonly record struct ProxyFailure(int StatusCode, string Error, string Message);

/// <summary>Which of a revision's limits ended a forward (see <c>RevisionTimeouts</c>).</summary>
internal enum ExpiredLimit
{
    /// <summary>None: the forward ended for another reason.</summary>
    None,

    /// <summary><c>timeoutSeconds</c>, the whole request.</summary>
    Total,

    /// <summary><c>responseStartTimeoutSeconds</c>: the replica had not started its response.</summary>
    ResponseStart,

    /// <summary><c>idleTimeoutSeconds</c>: the replica sent nothing for that long.</summary>
    Idle,
}

/// <summary>Pure mapping of YARP's <see cref="ForwarderError"/> to the activator's answers.</summary>
internal static class ForwarderErrorMapping
{
    /// <summary>
    /// The answer for a failed forward, or null when it succeeded. <paramref name="expired"/> names the revision's
    /// limit that ran out, which is 504 whatever YARP saw (a 504 can only be written before the response started; the
    /// caller closes the stream otherwise, as queue-proxy does).
    /// </summary>
    public static ProxyFailure? Map(ForwarderError error, Exception? exception, ExpiredLimit expired, string revision)
    {
        if (error == ForwarderError.None) return null;
        if (expired == ExpiredLimit.None && error is ForwarderError.RequestTimedOut or ForwarderError.UpgradeActivityTimeout)
            expired = ExpiredLimit.Total;
        switch (expired)
        {
            case ExpiredLimit.Total:
                return new(StatusCodes.Status504GatewayTimeout, "timeout", $"revision {revision} did not answer within its timeoutSeconds");
            case ExpiredLimit.ResponseStart:
                return new(StatusCodes.Status504GatewayTimeout, "response-start-timeout", $"revision {revision} did not start its response within its responseStartTimeoutSeconds");
            case ExpiredLimit.Idle:
                return new(StatusCodes.Status504GatewayTimeout, "idle-timeout", $"revision {revision} sent nothing for its idleTimeoutSeconds");
        }
        return error switch
        {
            ForwarderError.RequestBodyClient when BodyTooLarge(exception) =>
                new(StatusCodes.Status413PayloadTooLarge, "body-too-large", "request body exceeds the activator's limit"),
            ForwarderError.RequestBodyClient or ForwarderError.UpgradeRequestClient =>
                new(StatusCodes.Status400BadRequest, "client-request", $"reading the request for {revision} failed: {exception?.Message}"),
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled
                or ForwarderError.UpgradeResponseClient =>
                new(StatusCodes.Status502BadGateway, "canceled", $"the request to {revision} was canceled"),
            ForwarderError.NoAvailableDestinations =>
                new(StatusCodes.Status503ServiceUnavailable, "no-replica", $"revision {revision} has no ready replica"),
            ForwarderError.Request or ForwarderError.RequestCreation =>
                new(StatusCodes.Status502BadGateway, "backend-unreachable", $"revision {revision} could not be reached: {exception?.Message}"),
            _ => new(StatusCodes.Status502BadGateway, "backend-failed", $"revision {revision} failed ({error}): {exception?.Message}"),
        };
    }

    /// <summary>Kestrel's body limit surfaces inside YARP's copy error, possibly wrapped in an AggregateException.</summary>
    private static bool BodyTooLarge(Exception? exception) => exception switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        AggregateException a => a.InnerExceptions.Any(BodyTooLarge),
        _ => BodyTooLarge(exception.InnerException),
    };
}
