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
    private static readonly Gen<string> Method = Piece(["CONNECT"], ["connect", "GET", "CONNECTX", "CONN ECT", "", new('A', 300)]);

    private static readonly Gen<string> Space = Piece([" "], ["  ", "\t", "\u000B", ""]);

    private static readonly Gen<string> Target = Piece(
        ["example.com:443", "127.0.0.1:8080", "[::1]:443", "a-b.example:1", "x.example:65535", "EXAMPLE.com:80"],
        [
            "_x.example:443", "[::1%251]:443", "[::ffff:10.0.0.1]:80", "example.com", "example.com:0", "example.com:65536", "example.com:+443", "example.com:0443",
            "/", "http://example.com/", "exa mple.com:443", "ex\u007Fample.com:443", "ex\u00E4mple.com:443", "*", ":443", "a:b:443",
            "example.com:443/x", "[::1:443", "-a.example:1", "a..b:1", "a%2e.example:1", "user@example.com:443", "example.com.:443", "",
        ]);

    private static readonly Gen<string> Version = Piece(["HTTP/1.1", "HTTP/1.0"], ["HTTP/2.0", "HTTP/1.2", "http/1.1", "HTTP/1.1 ", "HTTP/1", "HTTP/1.10", ""]);

    private static readonly Gen<string> LineEnd = Piece(["\r\n"], ["\n", "\r", "\r\r\n", " \r\n"]);

    private static readonly Gen<string> Name = Piece(
        ["Proxy-Authorization", "User-Agent", "X-A", "Content-Length", "Proxy-Connection", "Accept"],
        ["Host", "host", "Transfer-Encoding", "Bad Name", "Bad\tName", "", "Host ", " Host", "\u00DCber", "a:b", "Connection", "X\u0000"]);

    private static readonly Gen<string> Colon = Piece([": ", ":"], [" : ", ":\t", " :", ":  "]);

    private static readonly Gen<string> Value = Piece(
        ["5", "0", "keep-alive", "Basic dTpw", "curl/8.0", "x y"],
        [
            "", " x ", "+5", "-1", "05", "5, 5", "0x5", " 5 ", "99999999999999999999", "chunked", "gzip, chunked", "a\u0000b", "a\rb",
            "a\u007Fb", "a\u0001b", "\u00E4", "\t", new('v', 5000),
        ]);

    private static readonly Gen<string> Header = Gen.Select(Name, Colon, Value, LineEnd, Gen.Int[0, 30],
        (name, colon, value, end, fold) => fold == 0 ? $"{name}{colon}{value}{end} folded{end}" : $"{name}{colon}{value}{end}");

    // Host as clients send it (the target again), sometimes absent, doubled or different.
    private static readonly Gen<int> HostForm = Gen.Frequency((12, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(3)));

    /// <summary>A head from the pieces (text as Latin-1 bytes), optionally followed by bytes after the blank line.</summary>
    private static readonly Gen<byte[]> Structured = Gen.Select(
        Gen.Select(Method, Space, Target, Version, LineEnd),
        HostForm, Header.Array[0, 4], LineEnd, Gen.OneOf("", "", "", "hello", "GET / HTTP/1.1\r\n\r\n"),
        (line, hostForm, headers, blank, after) =>
        {
            (string method, string space, string target, string version, string end) = line;
            string host = hostForm switch
            {
                0 => $"Host: {target}\r\n",
                1 => string.Empty,
                2 => $"Host: {target}\r\nHost: {target}\r\n",
                _ => "Host: other.example:1\r\n",
            };
            return Encoding.Latin1.GetBytes($"{method}{space}{target}{space}{version}{end}{host}{string.Concat(headers)}{blank}{after}");
        });

    private static readonly Gen<(int Kind, int Position, byte Value)> Edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.Byte);

    /// <summary>Structured heads, most with no byte edit, some with 1-3 (insert, delete, replace).</summary>
    public static readonly Gen<byte[]> Heads = Gen.Select(Structured, Edit.Array[3], Gen.Frequency((6, Gen.Const(0)), (2, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(3))), (bytes, edits, count) =>
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

    /// <summary>Mostly a valid piece, sometimes a hostile one: a head then differs from a valid one in a piece or two.</summary>
    private static Gen<string> Piece(string[] valid, string[] hostile) =>
        Gen.Frequency((8, Gen.OneOf(valid)), (1, Gen.OneOf(hostile)));

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
