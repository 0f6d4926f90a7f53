using Microsoft.AspNetCore.Http.Features;

namespace Platform.Sidecar.Hosting;

/// <summary>
/// daprd's request body limit (<c>--max-body-size</c>) on the HTTP API: a body above it is refused with 413
/// <c>ERR_BODY_TOO_LARGE</c> before anything is published or saved, whether it declares its length or is chunked.
/// gRPC calls are limited by the gRPC server's <c>MaxReceiveMessageSize</c> instead.
/// </summary>
internal static class BodySizeLimit
{
    /// <summary>Adds the limit.</summary>
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app, long limit) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            if (context.Request.ContentLength > limit)
            {
                await DaprError.BodyTooLarge(limit).ToResult().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                await DaprError.BodyTooLarge(limit).ToResult().ExecuteAsync(context).ConfigureAwait(false);
            }
        });
}
