using ProxyRotator.Core.Configuration;
using ProxyRotator.Simulation.Tls;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// The product with <c>gateway.tls</c>: a test CA made in the test, and a server certificate for 127.0.0.1 it
/// signed, as PEM files in a temp folder (<see cref="CaPath"/> is what curl's <c>--proxy-cacert</c> trusts).
/// </summary>
public abstract class TlsProductWithWorld : ProductWithWorld, IDisposable
{
    private readonly TempDirectory _files = new();

    protected TlsProductWithWorld()
    {
        Authority = ThrowAwayCertificateAuthority.Create(TimeProvider.System, "ProxyRotator test CA");
        Authority.WriteCertificatePem(CaPath);
        Authority.WriteServerPem(CertificatePath, KeyPath).Dispose();
    }

    public ThrowAwayCertificateAuthority Authority { get; }

    public string CaPath => _files.File("ca.pem");

    public string CertificatePath => _files.File("gateway.pem");

    public string KeyPath => _files.File("gateway-key.pem");

    /// <summary>Whether plaintext clients may still log in on the TLS port.</summary>
    protected virtual bool PlaintextAuth => true;

    /// <summary>The exit addresses of the world's upstreams (what the echo origin answers).</summary>
    public IReadOnlyCollection<string> ExitAddresses => World.Upstreams.Select(u => u.ExitAddress.ToString()).ToHashSet();

    public string HttpsProxyUrl(string? password = null) => Product.ProxyUrl(TestConfigs.User, password, scheme: "https");

    protected override void ConfigureGateway(GatewayOptions gateway) =>
        gateway.Tls = new GatewayTlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath, PlaintextAuth = PlaintextAuth };

    // Re-implemented: the base class's Dispose is not virtual.
    void IDisposable.Dispose()
    {
        Authority.Dispose();
        _files.Dispose();
        Dispose();
        GC.SuppressFinalize(this);
    }
}
