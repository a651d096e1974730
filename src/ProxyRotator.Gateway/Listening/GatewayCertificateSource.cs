using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Diagnostics;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// The gateway's TLS certificate (<c>gateway.tls</c>), reloaded when its files change: each handshake compares the
/// two files' timestamps and sizes with those of the loaded pair (two metadata look-ups, no read) and reloads only
/// when they differ. A pair that fails to load (half written) keeps the previous certificate until the files change again.
/// </summary>
public sealed class GatewayCertificateSource : IDisposable
{
    private readonly GatewayTlsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reload = new();
    private Loaded _current;
    private FileStamp _attempted;

    public GatewayCertificateSource(GatewayTlsOptions options, ILogger<GatewayCertificateSource> logger)
    {
        _options = options;
        _logger = logger;
        FileStamp stamp = Stamp();
        if (!GatewayCertificateFiles.TryLoad(options.CertificatePath, options.KeyPath, out X509Certificate2Collection? certificates, out string? error))
        {
            throw new InvalidOperationException("gateway.tls: " + error);
        }

        _current = Create(certificates, stamp);
        _attempted = stamp;
    }

    private readonly record struct FileStamp(DateTime CertificateWritten, long CertificateLength, DateTime KeyWritten, long KeyLength);

    private sealed record Loaded(SslStreamCertificateContext Context, X509Certificate2Collection Certificates, FileStamp Stamp);

    /// <summary>Clients that do not speak TLS may still authenticate (<see cref="GatewayTlsOptions.PlaintextAuth"/>).</summary>
    public bool PlaintextAuth => _options.PlaintextAuth;

    /// <summary>The server certificate now, for one handshake.</summary>
    public SslStreamCertificateContext Current()
    {
        FileStamp stamp = Stamp();
        Loaded current = Volatile.Read(ref _current);
        if (stamp == current.Stamp)
        {
            return current.Context;
        }

        lock (_reload)
        {
            if (stamp == _current.Stamp || stamp == _attempted)
            {
                return _current.Context;
            }

            _attempted = stamp;
            if (!GatewayCertificateFiles.TryLoad(_options.CertificatePath, _options.KeyPath, out X509Certificate2Collection? certificates, out string? error))
            {
                GatewayLog.CertificateReloadFailed(_logger, error);
                return _current.Context;
            }

            try
            {
                // The previous certificates are not disposed: handshakes under way may still use them.
                Volatile.Write(ref _current, Create(certificates, stamp));
            }
            catch (CryptographicException ex)
            {
                GatewayLog.CertificateReloadFailed(_logger, ex.Message);
            }

            return _current.Context;
        }
    }

    public void Dispose()
    {
        foreach (X509Certificate2 certificate in _current.Certificates)
        {
            certificate.Dispose();
        }
    }

    private Loaded Create(X509Certificate2Collection certificates, FileStamp stamp)
    {
        X509Certificate2 server = certificates[0];
        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < certificates.Count; i++)
        {
            intermediates.Add(certificates[i]);
        }

        GatewayLog.CertificateLoaded(_logger, _options.CertificatePath, server.Subject, server.NotAfter.ToUniversalTime());
        return new Loaded(SslStreamCertificateContext.Create(server, intermediates, offline: true), certificates, stamp);
    }

    private FileStamp Stamp()
    {
        var certificate = new FileInfo(_options.CertificatePath);
        var key = new FileInfo(_options.KeyPath);
        return new FileStamp(
            certificate.Exists ? certificate.LastWriteTimeUtc : default,
            certificate.Exists ? certificate.Length : -1,
            key.Exists ? key.LastWriteTimeUtc : default,
            key.Exists ? key.Length : -1);
    }
}
