using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// A raw TLS client of the gateway port that trusts only the given CA: for SOCKS5 inside TLS (curl has no
/// SOCKS-over-TLS) and for reading the certificate the gateway presents.
/// </summary>
public sealed class TlsGatewayClient : IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;

    private TlsGatewayClient(TcpClient tcp, SslStream tls, X509Certificate2 serverCertificate)
    {
        _tcp = tcp;
        _tls = tls;
        ServerCertificate = serverCertificate;
    }

    public X509Certificate2 ServerCertificate { get; }

    public Stream Stream => _tls;

    public static async Task<TlsGatewayClient> ConnectAsync(IPEndPoint gateway, X509Certificate2 ca)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway);
        var tls = new SslStream(tcp.GetStream());
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = gateway.Address.ToString(),
            CertificateChainPolicy = policy,
        }).WaitAsync(_timeout);
        return new TlsGatewayClient(tcp, tls, new X509Certificate2(tls.RemoteCertificate!));
    }

    /// <summary>SOCKS5 login and CONNECT to <paramref name="origin"/>, then one GET; returns the whole response.</summary>
    public async Task<string> Socks5GetAsync(string username, string password, IPEndPoint origin)
    {
        await _tls.WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        byte[] method = new byte[2];
        await _tls.ReadExactlyAsync(method).AsTask().WaitAsync(_timeout);
        Assert.Equal(new byte[] { 0x05, 0x02 }, method);
        byte[] user = Encoding.UTF8.GetBytes(username);
        byte[] pass = Encoding.UTF8.GetBytes(password);
        await _tls.WriteAsync((byte[])[0x01, (byte)user.Length, .. user, (byte)pass.Length, .. pass]);
        byte[] status = new byte[2];
        await _tls.ReadExactlyAsync(status).AsTask().WaitAsync(_timeout);
        Assert.Equal(0x00, status[1]);

        byte[] address = origin.Address.GetAddressBytes();
        Assert.Equal(4, address.Length);
        await _tls.WriteAsync((byte[])[0x05, 0x01, 0x00, 0x01, .. address, (byte)(origin.Port >> 8), (byte)origin.Port]);
        byte[] reply = new byte[10];
        await _tls.ReadExactlyAsync(reply).AsTask().WaitAsync(_timeout);
        Assert.Equal(0x00, reply[1]);

        await _tls.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {origin}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(_tls, Encoding.ASCII, leaveOpen: true);
        return await reader.ReadToEndAsync().WaitAsync(_timeout);
    }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        _tls.Dispose();
        _tcp.Dispose();
    }
}
