using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProxyRotator.Simulation.Tls;

/// <summary>
/// A self-signed CA made at runtime, and server certificates it signs for <c>localhost</c>/127.0.0.1/::1, written
/// as PEM files: what <c>gateway.tls</c> reads and what a client trusts with <c>--proxy-cacert</c>. For the demo
/// and tests only; the CA's key never leaves memory.
/// </summary>
public sealed class ThrowAwayCertificateAuthority : IDisposable
{
    private readonly TimeProvider _timeProvider;

    private ThrowAwayCertificateAuthority(X509Certificate2 certificate, TimeProvider timeProvider)
    {
        Certificate = certificate;
        _timeProvider = timeProvider;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public static ThrowAwayCertificateAuthority Create(TimeProvider timeProvider, string name = "ProxyRotator throw-away CA")
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = timeProvider.GetUtcNow();
        return new ThrowAwayCertificateAuthority(request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30)), timeProvider);
    }

    /// <summary>Writes the CA certificate (what clients trust) as PEM.</summary>
    public void WriteCertificatePem(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");

    /// <summary>
    /// Signs a new server certificate for <c>localhost</c>, 127.0.0.1, ::1 and <paramref name="extraAddresses"/>,
    /// writes it and its key as PEM (the key readable by the owner only), and returns it (without its key).
    /// </summary>
    public X509Certificate2 WriteServerPem(string certificatePath, string keyPath, params IPAddress[] extraAddresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = Origin.LocalhostCertificate.CreateServerRequest(key, extraAddresses);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        DateTimeOffset now = _timeProvider.GetUtcNow();
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        X509Certificate2 server = request.Create(Certificate, now.AddDays(-1), now.AddDays(29), serial);

        File.WriteAllText(keyPath, string.Empty);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(certificatePath, server.ExportCertificatePem() + "\n");
        return server;
    }

    public void Dispose() => Certificate.Dispose();
}
