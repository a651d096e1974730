using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProxyRotator.Simulation.Origin;

/// <summary>A self-signed server certificate for localhost, made at runtime so no file or store is needed.</summary>
public static class LocalhostCertificate
{
    /// <summary>Valid for <c>localhost</c>, 127.0.0.1, ::1 and any extra addresses given.</summary>
    public static X509Certificate2 Create(TimeProvider timeProvider, params IPAddress[] extraAddresses)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = CreateServerRequest(key, extraAddresses);

        DateTimeOffset now = timeProvider.GetUtcNow();
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        // A round trip through PKCS#12 gives a certificate whose key TLS stacks can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }

    /// <summary>
    /// The request for a TLS server certificate of <c>localhost</c>, 127.0.0.1, ::1 and <paramref name="extraAddresses"/>
    /// (self-signed here, or signed by a throw-away CA: <see cref="Tls.ThrowAwayCertificateAuthority"/>).
    /// </summary>
    public static CertificateRequest CreateServerRequest(ECDsa key, IPAddress[] extraAddresses)
    {
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        foreach (IPAddress address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }.Concat(extraAddresses).Distinct())
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }
}
