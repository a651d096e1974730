using ProxyRotator.Core.Configuration;
using ProxyRotator.Simulation.Tls;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

/// <summary><c>gateway.tls</c>: PEM files that exist and load, paths relative to the config file, errors with a JSON path.</summary>
public sealed class GatewayTlsConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("proxyrotator-tls-config-").FullName;

    public GatewayTlsConfigTests()
    {
        using ThrowAwayCertificateAuthority authority = ThrowAwayCertificateAuthority.Create(TimeProvider.System);
        authority.WriteServerPem(Path.Combine(_directory, "gateway.pem"), Path.Combine(_directory, "gateway-key.pem")).Dispose();
        using ThrowAwayCertificateAuthority other = ThrowAwayCertificateAuthority.Create(TimeProvider.System);
        other.WriteServerPem(Path.Combine(_directory, "other.pem"), Path.Combine(_directory, "other-key.pem")).Dispose();
        File.WriteAllText(Path.Combine(_directory, "garbage.pem"), "not a certificate\n");
    }

    [Fact]
    public void Load_TlsWithRelativePaths_ResolvesAgainstConfigDirectory()
    {
        ProxyRotatorConfig config = Load(Document("'gateway': { 'tls': { 'certificate': 'gateway.pem', 'key': 'gateway-key.pem', 'plaintextAuth': false } }"), baseDirectory: _directory);

        Assert.NotNull(config.Gateway.Tls);
        Assert.Equal(Path.Combine(_directory, "gateway.pem"), config.Gateway.Tls.CertificatePath);
        Assert.Equal(Path.Combine(_directory, "gateway-key.pem"), config.Gateway.Tls.KeyPath);
        Assert.False(config.Gateway.Tls.PlaintextAuth);
    }

    [Fact]
    public void Load_NoTls_PlaintextOnly()
    {
        ProxyRotatorConfig config = Load(Document("'gateway': {}"), baseDirectory: _directory);

        Assert.Null(config.Gateway.Tls);
    }

    [Theory]
    [InlineData("'tls': { 'key': 'gateway-key.pem' }", "gateway.tls.certificate", "is required")]
    [InlineData("'tls': { 'certificate': 'missing.pem', 'key': 'gateway-key.pem' }", "gateway.tls.certificate", "does not exist")]
    [InlineData("'tls': { 'certificate': 'gateway.pem', 'key': 'missing.pem' }", "gateway.tls.key", "does not exist")]
    [InlineData("'tls': { 'certificate': 'garbage.pem', 'key': 'gateway-key.pem' }", "gateway.tls.certificate", "holds no PEM certificate")]
    [InlineData("'tls': { 'certificate': 'gateway.pem', 'key': 'other-key.pem' }", "gateway.tls.certificate", "cannot load the certificate")]
    [InlineData("'tls': { 'certificate': 'gateway.pem', 'key': 'gateway-key.pem', 'plaintextAuth': 'no' }", "gateway.tls.plaintextAuth", "must be true or false")]
    [InlineData("'tls': { 'certificate': 'gateway.pem', 'key': 'gateway-key.pem', 'cert': 'x' }", "gateway.tls.cert", "unknown field")]
    [InlineData("'tls': 'gateway.pem'", "gateway.tls", "must be an object")]
    public void Load_BadTls_ReportsPathAndReason(string fields, string path, string reason) =>
        SingleError(Document("'gateway': { " + fields + " }"), path, reason, baseDirectory: _directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
