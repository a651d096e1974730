using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// The absolute-form front end (<c>GET http://host/path</c> that reached Kestrel through a gateway listener): it
/// translates the request into a <see cref="GatewayRequest"/>, lets the <see cref="RequestPipeline"/> serve it (a fresh
/// upstream for every request, or the session's; failover while nothing has reached the client) and renders the
/// pipeline's answer as an HTTP error. Requests from other listeners pass on to the next middleware.
/// </summary>
public sealed class GatewayForwardingMiddleware(
    RequestDelegate next,
    RequestPipeline pipeline,
    UpstreamHttpInvokerCache invokers,
    IPoolSnapshotSource pool,
    Core.Metrics.GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<GatewayConnectionFeature>() is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (!Uri.TryCreate(rawTarget, UriKind.Absolute, out Uri? target)
            || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            || HttpMethods.IsConnect(context.Request.Method))
        {
            metrics.RecordRequest(null, GatewayErrorCode.BadRequest);
            await WriteAnswerAsync(context, GatewayAnswer.BadRequest("this is a proxy port: send absolute-form requests (GET http://host/path) or CONNECT")).ConfigureAwait(false);
            return;
        }

        // Drops the pooled connections of upstreams that left the pool (a no-op while the snapshot is unchanged).
        invokers.Prune(pool.Current);
        GatewayRequest request = pipeline.CreateForwardRequest(context, target);
        try
        {
            if (await pipeline.RunAsync(request, context.RequestAborted).ConfigureAwait(false) is { } answer && !context.Response.HasStarted)
            {
                await WriteAnswerAsync(context, answer).ConfigureAwait(false);
            }
        }
        finally
        {
            pipeline.Complete(request);
        }
    }

    private static async Task WriteAnswerAsync(HttpContext context, GatewayAnswer answer)
    {
        context.Response.StatusCode = answer.StatusCode;
        context.Response.Headers[GatewayHeaders.Error] = answer.ErrorCode;
        if (answer.IsChallenge)
        {
            context.Response.Headers.ProxyAuthenticate = GatewayHeaders.ProxyAuthenticateValue;
        }
        else if (answer.RetryAfterSeconds > 0)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(answer.Message + "\n", context.RequestAborted).ConfigureAwait(false);
    }
}
