using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Gateway.Diagnostics;

/// <summary>Source-generated log messages of the gateway's hot paths. None of them carries a credential.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Gateway connection {ConnectionId} refused: {Limit} connections are open")]
    public static partial void ConnectionLimitReached(ILogger logger, string connectionId, int limit);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Gateway connection {ConnectionId}: request head refused ({Reason})")]
    public static partial void HeadRefused(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Gateway connection {ConnectionId}: client too slow with its request head or handshake")]
    public static partial void HeadTimedOut(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Attempt {Attempt} through upstream {UpstreamId} failed: {Kind}")]
    public static partial void AttemptFailed(ILogger logger, int attempt, long upstreamId, UpstreamOutcomeKind kind);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Tunnel through upstream {UpstreamId} ended ({End}): {BytesFromClient} bytes up, {BytesToClient} bytes down")]
    public static partial void TunnelEnded(ILogger logger, long upstreamId, Relay.RelayEnd end, long bytesFromClient, long bytesToClient);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Request answered by the gateway after {Attempts} attempt(s): {ErrorCode}")]
    public static partial void RequestAnswered(ILogger logger, int attempts, string errorCode);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Target {Host}:{Port} refused by the target policy")]
    public static partial void TargetRefused(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Gateway connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Debug, Message = "Gateway connection {ConnectionId}: TLS handshake failed ({Reason})")]
    public static partial void TlsHandshakeFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} from {Client} refused: plaintext {Protocol} on a listener that takes credentials only over TLS")]
    public static partial void PlaintextRefused(ILogger logger, string connectionId, string? client, string protocol);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Gateway TLS certificate loaded from {CertificatePath}: {Subject}, valid until {NotAfter:u}")]
    public static partial void CertificateLoaded(ILogger logger, string certificatePath, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Gateway TLS certificate files changed but cannot be loaded; the previous certificate stays in use: {Error}")]
    public static partial void CertificateReloadFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Error, Message = "The gateway failed on a request (answered internal-error); this is a bug")]
    public static partial void PipelineFailed(ILogger logger, Exception exception);
}
