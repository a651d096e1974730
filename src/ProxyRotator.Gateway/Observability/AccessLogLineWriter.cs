using System.Buffers;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// Serialises <see cref="AccessLogEntry"/> values as JSON lines into one reusable buffer, with a single
/// <see cref="Utf8JsonWriter"/> reset per line: after warm-up a line costs no allocation beyond what the buffer
/// grows. Not thread-safe: the access-log writer's single background reader owns it.
/// </summary>
/// <remarks>
/// Fields (camelCase, always present, <c>null</c> when unknown): <c>time</c>, <c>protocol</c> (<c>http</c>,
/// <c>connect</c>, <c>socks5</c>), <c>client</c>, <c>account</c>, <c>targeting</c>, <c>targetHost</c>,
/// <c>targetPort</c>, <c>upstreamId</c>, <c>upstreamKind</c>, <c>exitIp</c>, <c>status</c> (HTTP status) or
/// <c>socksReply</c> (SOCKS5 reply code), <c>error</c>, <c>bytesUp</c>, <c>bytesDown</c>, <c>durationMs</c>,
/// <c>attempts</c>, <c>session</c>; <c>path</c> only with <c>includeUrlPath</c>; <c>targetHostHashed: true</c>
/// when target hosts are hashed.
/// </remarks>
public sealed class AccessLogLineWriter : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Hosts, accounts and paths are the client's text: escape what a terminal or a log shipper could trip on,
        // but keep '+', '&' and the like readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText Protocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText Client = JsonEncodedText.Encode("client");
    private static readonly JsonEncodedText Account = JsonEncodedText.Encode("account");
    private static readonly JsonEncodedText Targeting = JsonEncodedText.Encode("targeting");
    private static readonly JsonEncodedText TargetHost = JsonEncodedText.Encode("targetHost");
    private static readonly JsonEncodedText TargetHostHashed = JsonEncodedText.Encode("targetHostHashed");
    private static readonly JsonEncodedText TargetPort = JsonEncodedText.Encode("targetPort");
    private static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText UpstreamId = JsonEncodedText.Encode("upstreamId");
    private static readonly JsonEncodedText UpstreamKind = JsonEncodedText.Encode("upstreamKind");
    private static readonly JsonEncodedText ExitIp = JsonEncodedText.Encode("exitIp");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText SocksReply = JsonEncodedText.Encode("socksReply");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText BytesUp = JsonEncodedText.Encode("bytesUp");
    private static readonly JsonEncodedText BytesDown = JsonEncodedText.Encode("bytesDown");
    private static readonly JsonEncodedText DurationMs = JsonEncodedText.Encode("durationMs");
    private static readonly JsonEncodedText Attempts = JsonEncodedText.Encode("attempts");
    private static readonly JsonEncodedText Session = JsonEncodedText.Encode("session");
    private static readonly JsonEncodedText HttpName = JsonEncodedText.Encode("http");
    private static readonly JsonEncodedText ConnectName = JsonEncodedText.Encode("connect");
    private static readonly JsonEncodedText Socks5Name = JsonEncodedText.Encode("socks5");

    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly bool _includeUrlPath;
    private readonly TargetHostHasher? _hasher;

    public AccessLogLineWriter(bool includeUrlPath, TargetHostHasher? hasher)
    {
        _includeUrlPath = includeUrlPath;
        _hasher = hasher;
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>The lines written since the last <see cref="Clear"/>, each ending in <c>\n</c>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Clear() => _buffer.ResetWrittenCount();

    /// <summary>Releases the JSON writer and the hasher (which this writer owns).</summary>
    public void Dispose()
    {
        _json.Dispose();
        _hasher?.Dispose();
    }

    public void Append(in AccessLogEntry entry)
    {
        Utf8JsonWriter w = _json;
        w.Reset(_buffer);
        w.WriteStartObject();
        w.WriteString(Time, entry.Time.ToUniversalTime());
        w.WriteString(Protocol, entry.Protocol switch
        {
            AccessLogProtocol.Connect => ConnectName,
            AccessLogProtocol.Socks5 => Socks5Name,
            _ => HttpName,
        });
        WriteAddress(w, Client, entry.ClientAddress);
        WriteNullable(w, Account, entry.Account);
        WriteNullable(w, Targeting, entry.Targeting);
        WriteTargetHost(w, entry.TargetHost);
        w.WriteNumber(TargetPort, entry.TargetPort);
        if (_includeUrlPath)
        {
            WriteNullable(w, Path, entry.UrlPathAndQuery);
        }

        if (entry.UpstreamId is { } upstreamId)
        {
            w.WriteNumber(UpstreamId, upstreamId);
        }
        else
        {
            w.WriteNull(UpstreamId);
        }

        WriteNullable(w, UpstreamKind, entry.UpstreamKind);
        WriteNullable(w, ExitIp, entry.ExitIp);
        w.WriteNumber(entry.Protocol == AccessLogProtocol.Socks5 ? SocksReply : Status, entry.Status);
        WriteNullable(w, Error, entry.ErrorCode);
        w.WriteNumber(BytesUp, entry.BytesUp);
        w.WriteNumber(BytesDown, entry.BytesDown);
        w.WriteNumber(DurationMs, Math.Round(entry.Duration.TotalMilliseconds, 3));
        w.WriteNumber(Attempts, entry.Attempts);
        WriteNullable(w, Session, entry.SessionId);
        w.WriteEndObject();
        w.Flush();
        _buffer.Write("\n"u8);
    }

    private void WriteTargetHost(Utf8JsonWriter w, string? host)
    {
        if (host is null || _hasher is null)
        {
            WriteNullable(w, TargetHost, host);
            return;
        }

        Span<char> hash = stackalloc char[TargetHostHasher.HashChars];
        _hasher.Hash(host, hash);
        w.WriteString(TargetHost, hash);
        w.WriteBoolean(TargetHostHashed, true);
    }

    private static void WriteNullable(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteAddress(Utf8JsonWriter w, JsonEncodedText name, IPAddress? address)
    {
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4(); // dual-stack listeners report IPv4 clients as ::ffff:a.b.c.d
        }

        Span<char> text = stackalloc char[64];
        if (address is not null && address.TryFormat(text, out int written))
        {
            w.WriteString(name, text[..written]);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
