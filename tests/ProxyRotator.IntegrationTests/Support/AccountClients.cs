using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ProxyRotator.Admin.Contracts;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// For the accounts tests: the admin API's account and usage routes, and raw clients of the three gateway protocols
/// that count every byte they move (so usage can be compared with what the client really transferred).
/// </summary>
public static class AccountClients
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static HttpClient Admin(ProductHost product) => new()
    {
        BaseAddress = product.AdminUri,
        DefaultRequestHeaders = { { "X-Api-Key", product.Config.Admin.ApiKey } },
        Timeout = _timeout,
    };

    public static async Task<AccountSecretDto> AddAccountAsync(ProductHost product, AddAccountRequest request)
    {
        using HttpClient admin = Admin(product);
        using HttpResponseMessage response = await admin.PostAsJsonAsync("/api/accounts", request, Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccountSecretDto>(Json))!;
    }

    public static async Task<AccountDto> UpdateAccountAsync(ProductHost product, string name, UpdateAccountRequest request)
    {
        using HttpClient admin = Admin(product);
        using HttpResponseMessage response = await admin.PatchAsJsonAsync($"/api/accounts/{name}", request, Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccountDto>(Json))!;
    }

    public static async Task<UsageRowDto[]> UsageAsync(ProductHost product, string account)
    {
        using HttpClient admin = Admin(product);
        return (await admin.GetFromJsonAsync<UsageRowDto[]>($"/api/usage?account={account}", Json))!;
    }

    /// <summary>One absolute-form GET (Connection: close); the status line and how many bytes the client sent and received.</summary>
    public static async Task<ClientExchange> HttpGetAsync(IPEndPoint gateway, string user, string password, string url, string? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(gateway);
        var stream = new CountingStream(client.GetStream());
        string method = body is null ? "GET" : "POST";
        string content = body is null ? string.Empty : $"Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\nContent-Type: text/plain\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"{method} {url} HTTP/1.1\r\nHost: {new Uri(url).Authority}\r\nProxy-Authorization: {GatewayRawClient.Basic(user, password)}\r\n{content}Connection: close\r\n\r\n{body}"));
        byte[] all = await ReadToEndAsync(stream);
        string text = Encoding.ASCII.GetString(all);
        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return new ClientExchange(text[..text.IndexOf('\r', StringComparison.Ordinal)], text[..Math.Max(0, headEnd)], stream.BytesWritten, stream.BytesRead, all.Length - (headEnd + 4));
    }

    /// <summary>A CONNECT to <paramref name="target"/>: the reply head, and the open stream when it was 200 (counting from after the reply).</summary>
    public static async Task<(string Head, TcpClient? Client, CountingStream? Stream)> ConnectAsync(IPEndPoint gateway, string user, string password, Uri target)
    {
        var client = new TcpClient();
        await client.ConnectAsync(gateway);
        NetworkStream network = client.GetStream();
        string head = await GatewayRawClient.FirstResponseHeadAsync(network,
            $"CONNECT {target.Authority} HTTP/1.1\r\nHost: {target.Authority}\r\nProxy-Authorization: {GatewayRawClient.Basic(user, password)}\r\n\r\n");
        if (!head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            client.Dispose();
            return (head, null, null);
        }

        return (head, client, new CountingStream(network));
    }

    /// <summary>A SOCKS5 CONNECT to an IP target: the auth status (0 ok), the reply (0 ok; 0xFF when the login failed) and the open stream on success.</summary>
    public static async Task<(byte Reply, TcpClient? Client, CountingStream? Stream)> Socks5Async(IPEndPoint gateway, string user, string password, Uri target)
    {
        var client = new TcpClient();
        await client.ConnectAsync(gateway);
        NetworkStream network = client.GetStream();
        if (await GatewayRawClient.Socks5LoginAsync(network, user, password) != 0)
        {
            client.Dispose();
            return (0xFF, null, null);
        }

        byte[] address = IPAddress.Parse(target.Host).GetAddressBytes();
        await network.WriteAsync((byte[])[0x05, 0x01, 0x00, 0x01, .. address, (byte)(target.Port >> 8), (byte)target.Port]);
        byte[] reply = new byte[10];
        await network.ReadExactlyAsync(reply).AsTask().WaitAsync(_timeout);
        if (reply[1] != 0)
        {
            client.Dispose();
            return (reply[1], null, null);
        }

        return (0, client, new CountingStream(network));
    }

    /// <summary>A plain HTTP GET inside an open tunnel (Connection: close), read until the tunnel ends; the bytes received.</summary>
    public static async Task<long> GetThroughTunnelAsync(CountingStream stream, Uri target, string path, string? body = null)
    {
        string method = body is null ? "GET" : "POST";
        string content = body is null ? string.Empty : $"Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} /{path} HTTP/1.1\r\nHost: {target.Authority}\r\n{content}Connection: close\r\n\r\n{body}"));
        return (await ReadToEndAsync(stream)).LongLength;
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer).WaitAsync(_timeout);
        }
        catch (IOException)
        {
            // A tunnel cut by the gateway may end in a reset: what arrived before it counts.
        }

        return buffer.ToArray();
    }
}

/// <summary>What a client moved in one exchange: the status line and head, bytes sent and received, and the body length.</summary>
public sealed record ClientExchange(string StatusLine, string Head, long BytesSent, long BytesReceived, long BodyLength);

/// <summary>A stream that counts the bytes written to and read from it.</summary>
public sealed class CountingStream(Stream inner) : Stream
{
    public long BytesWritten { get; private set; }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        BytesRead += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += read;
        return read;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        BytesWritten += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        BytesWritten += count;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
