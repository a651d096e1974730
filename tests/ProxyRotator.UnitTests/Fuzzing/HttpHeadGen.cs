using System.Text;
using CsCheck;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// Request heads near the grammar: a request line and header lines built from valid and hostile pieces (each
/// piece is a case a parser must get right: signed lengths, bare LF, obs-fold, control bytes, odd targets), then a
/// few random byte edits, so both the structure and the bytes between the pieces are explored.
/// </summary>
internal static class HttpHeadGen
{
    private static readonly string[] Methods = ["CONNECT", "CONNECT", "CONNECT", "CONNECT", "connect", "GET", "CONNECTX", "CONN ECT", "", new('A', 300)];

    private static readonly string[] Targets =
    [
        "example.com:443", "example.com:443", "127.0.0.1:8080", "[::1]:443", "[::1%251]:443", "[::ffff:10.0.0.1]:80", "example.com",
        "example.com:0", "example.com:65536", "example.com:+443", "example.com:0443", "/", "http://example.com/", "exa mple.com:443",
        "ex\u007Fample.com:443", "ex\u00E4mple.com:443", "*", ":443", "a:b:443", "example.com:443/x", "[::1:443", "_x.example:1",
        "-a.example:1", "a..b:1", "a%2e.example:1", "user@example.com:443", "example.com.:443", "",
    ];

    private static readonly string[] Versions = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "http/1.1", "HTTP/1.1 ", "HTTP/1", "HTTP/1.10", ""];

    private static readonly string[] Names =
    [
        "Host", "Host", "host", "Proxy-Authorization", "Content-Length", "Content-Length", "Transfer-Encoding", "User-Agent", "X-A",
        "Bad Name", "Bad\tName", "", "Host ", " Host", "\u00DCber", "a:b", "Proxy-Connection", "Connection",
    ];

    private static readonly string[] Values =
    [
        "example.com:443", "example.com:443", "", " x ", "5", "0", "+5", "-1", "05", "5, 5", "0x5", " 5 ", "99999999999999999999",
        "chunked", "gzip, chunked", "a\u0000b", "a\rb", "a\u007Fb", "a\u0001b", "\u00E4", "\t", "Basic dTpw", "keep-alive", new('v', 5000),
    ];

    private static readonly string[] LineEnds = ["\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n", " \r\n"];

    private static readonly Gen<string> LineEnd = Gen.OneOf(LineEnds);

    private static readonly Gen<string> Header = Gen.Select(
        Gen.OneOf(Names), Gen.OneOf(": ", ":", " : ", ":\t", ": "), Gen.OneOf(Values), LineEnd, Gen.Int[0, 15],
        (name, colon, value, end, fold) => fold == 0 ? $"{name}{colon}{value}{end} folded{end}" : $"{name}{colon}{value}{end}");

    /// <summary>A head from the pieces (text as Latin-1 bytes), optionally followed by bytes after the blank line.</summary>
    private static readonly Gen<byte[]> Structured = Gen.Select(
        Gen.OneOf(Methods), Gen.OneOf(" ", " ", " ", "  ", "\t"), Gen.OneOf(Targets), Gen.OneOf(Versions),
        LineEnd, Header.Array[0, 6], Gen.OneOf(LineEnds), Gen.OneOf("", "", "", "hello", "GET / HTTP/1.1\r\n\r\n"),
        (method, space, target, version, end, headers, blank, after) =>
            Encoding.Latin1.GetBytes($"{method}{space}{target}{space}{version}{end}{string.Concat(headers)}{blank}{after}"));

    private static readonly Gen<(int Kind, int Position, byte Value)> Edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.Byte);

    /// <summary>Structured heads, each with 0-3 random byte edits (insert, delete, replace).</summary>
    public static readonly Gen<byte[]> Heads = Gen.Select(Structured, Edit.Array[0, 3], Gen.Int[0, 3], (bytes, edits, count) =>
    {
        var list = new List<byte>(bytes);
        foreach ((int kind, int position, byte value) in edits.Take(count))
        {
            int at = position % (list.Count + 1);
            if (kind == 0 || list.Count == 0 || at == list.Count)
            {
                list.Insert(at, value);
            }
            else if (kind == 1)
            {
                list.RemoveAt(at);
            }
            else
            {
                list[at] = value;
            }
        }

        return list.ToArray();
    });

    /// <summary>Prints a head for a failure message with control bytes visible.</summary>
    public static string Print(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n\n",
                < 0x20 or >= 0x7F => $"\\x{b:X2}",
                _ => ((char)b).ToString(),
            });
        }

        return text.ToString();
    }
}
