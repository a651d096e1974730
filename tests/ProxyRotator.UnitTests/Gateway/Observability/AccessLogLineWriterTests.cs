using System.Text;
using System.Text.Json;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

public sealed class AccessLogLineWriterTests
{
    private static readonly string[] CommonFields =
    [
        "time", "protocol", "client", "account", "targeting", "targetHost", "targetPort", "upstreamId", "upstreamKind", "exitIp",
        "error", "bytesUp", "bytesDown", "durationMs", "attempts", "session",
    ];

    private static (string Text, JsonElement Line) Write(in AccessLogEntry entry, bool includeUrlPath = false, string? hashKey = null)
    {
        using var writer = new AccessLogLineWriter(includeUrlPath, hashKey is null ? null : new TargetHostHasher(hashKey));
        writer.Append(entry);
        string text = Encoding.UTF8.GetString(writer.Written.Span);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return (text, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string[] Sorted(string[] names) => [.. names.Order(StringComparer.Ordinal)];

    private static string[] FieldNames(JsonElement line) => [.. line.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Append_HttpEntry_WritesEveryFieldWithoutPathOrCredential()
    {
        (string text, JsonElement line) = Write(AccessLogEntries.Http());

        Assert.Equal(Sorted([.. CommonFields, "status"]), Sorted(FieldNames(line)));
        Assert.Equal("2026-12-07T04:30:00.123+00:00", line.GetProperty("time").GetString());
        Assert.Equal("http", line.GetProperty("protocol").GetString());
        Assert.Equal("192.0.2.10", line.GetProperty("client").GetString());
        Assert.Equal("scraper", line.GetProperty("account").GetString());
        Assert.Equal("country-de-session-acct42", line.GetProperty("targeting").GetString());
        Assert.Equal("example.com", line.GetProperty("targetHost").GetString());
        Assert.Equal(80, line.GetProperty("targetPort").GetInt32());
        Assert.Equal(17, line.GetProperty("upstreamId").GetInt64());
        Assert.Equal("residential", line.GetProperty("upstreamKind").GetString());
        Assert.Equal("203.0.113.5", line.GetProperty("exitIp").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        Assert.Equal(120, line.GetProperty("bytesUp").GetInt64());
        Assert.Equal(5400, line.GetProperty("bytesDown").GetInt64());
        Assert.Equal(42.5, line.GetProperty("durationMs").GetDouble());
        Assert.Equal(1, line.GetProperty("attempts").GetInt32());
        Assert.Equal("acct42", line.GetProperty("session").GetString());
        Assert.DoesNotContain("secret-token", text, StringComparison.Ordinal); // path and query are off by default
        Assert.DoesNotContain(AccessLogEntries.Password, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_HttpEntryWithIncludeUrlPath_WritesPathAndQuery()
    {
        (_, JsonElement line) = Write(AccessLogEntries.Http(), includeUrlPath: true);

        Assert.Equal("/search?q=secret-token", line.GetProperty("path").GetString());
    }

    [Fact]
    public void Append_ConnectEntry_WritesStatusErrorAndAttempts()
    {
        (string text, JsonElement line) = Write(AccessLogEntries.Connect(), includeUrlPath: true);

        Assert.Equal(Sorted([.. CommonFields, "path", "status"]), Sorted(FieldNames(line)));
        Assert.Equal("connect", line.GetProperty("protocol").GetString());
        Assert.Equal("127.0.0.1", line.GetProperty("client").GetString());
        Assert.Equal("example.org", line.GetProperty("targetHost").GetString());
        Assert.Equal(443, line.GetProperty("targetPort").GetInt32());
        Assert.Equal(502, line.GetProperty("status").GetInt32());
        Assert.Equal("upstream-failed", line.GetProperty("error").GetString());
        Assert.Equal(3, line.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("targeting").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("session").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("path").ValueKind);
        Assert.DoesNotContain(AccessLogEntries.Password, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_Socks5Entry_WritesSocksReplyInsteadOfStatus()
    {
        (string text, JsonElement line) = Write(AccessLogEntries.Socks5());

        Assert.Equal(Sorted([.. CommonFields, "socksReply"]), Sorted(FieldNames(line)));
        Assert.Equal("socks5", line.GetProperty("protocol").GetString());
        Assert.Equal("::1", line.GetProperty("client").GetString());
        Assert.Equal("mobile_user", line.GetProperty("account").GetString());
        Assert.Equal("198.51.100.20", line.GetProperty("targetHost").GetString());
        Assert.Equal(0, line.GetProperty("socksReply").GetInt32());
        Assert.Equal(120_000, line.GetProperty("durationMs").GetDouble());
        Assert.DoesNotContain(AccessLogEntries.Password, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_HashTargets_WritesKeyedHashNotHost()
    {
        const string key = "0123456789abcdef-key";
        (string text, JsonElement line) = Write(AccessLogEntries.Http(), hashKey: key);
        (_, JsonElement upper) = Write(AccessLogEntries.Http() with { TargetHost = "EXAMPLE.com" }, hashKey: key);
        (_, JsonElement otherKey) = Write(AccessLogEntries.Http(), hashKey: "another-key-0123456789");

        string hash = line.GetProperty("targetHost").GetString()!;
        Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", hash);
        Assert.True(line.GetProperty("targetHostHashed").GetBoolean());
        Assert.Equal(hash, upper.GetProperty("targetHost").GetString());
        Assert.NotEqual(hash, otherKey.GetProperty("targetHost").GetString());
    }

    [Fact]
    public void Append_HostileText_StaysOneValidJsonLine()
    {
        (_, JsonElement line) = Write(AccessLogEntries.Http() with { TargetHost = "evil\n\"host\"\u001b[31m" });

        Assert.Equal("evil\n\"host\"\u001b[31m", line.GetProperty("targetHost").GetString());
    }
}
