using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>Raw-socket clients of the gateway port, for hostile inputs that curl will not send.</summary>
public static class GatewayRawClient
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends <paramref name="request"/> and reads until the gateway closes the connection.</summary>
    public static async Task<string> ExchangeAsync(IPEndPoint gateway, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(gateway);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(_timeout);
    }

    /// <summary>Sends <paramref name="request"/> and reads one response head (up to the blank line).</summary>
    public static async Task<string> FirstResponseHeadAsync(NetworkStream stream, string request)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(one).AsTask().WaitAsync(_timeout);
            if (read == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    public static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    /// <summary>Greeting and RFC 1929 login; returns the authentication status byte.</summary>
    public static async Task<byte> Socks5LoginAsync(NetworkStream stream, string username, string password)
    {
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        byte[] method = new byte[2];
        await stream.ReadExactlyAsync(method).AsTask().WaitAsync(_timeout);
        Assert.Equal(new byte[] { 0x05, 0x02 }, method);
        byte[] user = Encoding.UTF8.GetBytes(username);
        byte[] pass = Encoding.UTF8.GetBytes(password);
        await stream.WriteAsync((byte[])[0x01, (byte)user.Length, .. user, (byte)pass.Length, .. pass]);
        byte[] status = new byte[2];
        await stream.ReadExactlyAsync(status).AsTask().WaitAsync(_timeout);
        return status[1];
    }

    /// <summary>A logged-in SOCKS5 CONNECT to a domain-name target; returns the reply code.</summary>
    public static async Task<byte> Socks5ConnectDomainAsync(IPEndPoint gateway, string username, string password, string host, int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(gateway);
        NetworkStream stream = client.GetStream();
        Assert.Equal(0x00, await Socks5LoginAsync(stream, username, password));
        byte[] name = Encoding.ASCII.GetBytes(host);
        await stream.WriteAsync((byte[])[0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. name, (byte)(port >> 8), (byte)port]);
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply).AsTask().WaitAsync(_timeout);
        return reply[1];
    }
}
