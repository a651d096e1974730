using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using CsCheck;
using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// Our CONNECT head parser (with the authority check the gateway applies to its target) against Kestrel's parser,
/// fed the same generated heads over a real loopback connection:
/// <list type="bullet">
/// <item>we never accept a head Kestrel refuses (never more lenient than the server's own parser);</item>
/// <item>where we refuse a head Kestrel accepts, the reason is one of <see cref="DeliberatelyStricter"/>: each is a
/// framing or grammar ambiguity RFC 9112 lets a recipient refuse, and issue 10 §4 asks to refuse everywhere.</item>
/// </list>
/// Only heads the gateway hands to this parser are compared: those starting <c>CONNECT </c>.
/// </summary>
public sealed class KestrelAgreementTests
{
    private const int MaxHeadBytes = 32768;

    /// <summary>Our refusals that Kestrel does not make, on purpose (matched against our error text).</summary>
    internal static readonly string[] DeliberatelyStricter =
    [
        "bare LF in the request head",                   // RFC 9112 §2.2: a recipient MAY accept a bare LF; ambiguity between parsers is a smuggling risk
        "invalid or repeated Content-Length",            // "+5" and other forms Kestrel normalises (issue 10 §4)
        "Content-Length together with Transfer-Encoding", // RFC 9112 §6.3: ought to be handled as an error
        "control character in a header value",          // Kestrel allows some C0 controls in values; nothing needs them
        "malformed request line",                        // RFC 9112 §3: exactly one SP between the parts; Kestrel tolerates more
        "invalid header name",                           // RFC 9110 §5.1: a field name is a token; Kestrel lets '<', '?' and others through
        "authority",                                     // our CONNECT target check (HttpRequestHead.TryParseAuthority) is stricter than Kestrel's authority-form check
    ];

    [Fact]
    public async Task ConnectHeads_OurVerdictAndKestrels_Agree()
    {
        await using KestrelOracle kestrel = await KestrelOracle.StartAsync(MaxHeadBytes);
        var disagreements = new ConcurrentBag<string>();
        var verdicts = new ConcurrentDictionary<string, int>();

        // Kestrel answers over a socket: a bounded, smaller count than the in-memory properties (a second or two).
        Gen<byte[]> connectHeads = HttpHeadGen.Heads.Where(b => b.AsSpan().StartsWith("CONNECT "u8));
        await connectHeads.SampleAsync(
            async bytes =>
            {
                (string? problem, string verdict) = await CompareAsync(kestrel, bytes);
                verdicts.AddOrUpdate(verdict, 1, static (_, n) => n + 1);
                if (problem is not null)
                {
                    disagreements.Add(problem);
                }
            },
            iter: FuzzBudget.Seconds > 0 ? long.MaxValue : 3_000,
            time: FuzzBudget.Seconds > 0 ? FuzzBudget.Seconds : -1,
            threads: 2,
            print: HttpHeadGen.Print);

        Assert.True(disagreements.IsEmpty, string.Join("\n----\n", disagreements.Take(40)));

        // Both sides really answered both ways (a generator that only made garbage would prove nothing).
        string seen = string.Join(", ", verdicts.Select(v => $"{v.Key}: {v.Value}"));
        Assert.True(verdicts.GetValueOrDefault("both accept") > 0 && verdicts.GetValueOrDefault("both refuse") > 0, seen);
    }

    [Fact]
    public async Task CompareAsync_HostOfTheUnspecifiedIpv6Address_IsKestrelsHostCheckNotADisagreement()
    {
        await using KestrelOracle kestrel = await KestrelOracle.StartAsync(MaxHeadBytes);
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes("CONNECT [::]:443 HTTP/1.1\r\nHost: [::]:443\r\n\r\n");

        (string? problem, string verdict) = await CompareAsync(kestrel, bytes);

        Assert.Null(problem);
        Assert.Equal("Kestrel refuses: Host value", verdict);
    }

    /// <summary>Problem: null when the verdicts agree (or differ only as <see cref="DeliberatelyStricter"/> allows); else a description.</summary>
    internal static async Task<(string? Problem, string Verdict)> CompareAsync(KestrelOracle kestrel, byte[] bytes)
    {
        (bool ours, string reason) = OurVerdict(bytes);
        int? status = await kestrel.StatusForAsync(bytes);
        bool theirs = status == 200;
        if (ours == theirs)
        {
            return (null, ours ? "both accept" : "both refuse");
        }

        if (!ours && DeliberatelyStricter.Any(r => reason.Contains(r, StringComparison.Ordinal)))
        {
            return (null, "we refuse: " + reason);
        }

        if (ours && HostDiffers(bytes))
        {
            return (null, "Kestrel refuses: Host"); // see OurVerdict: Host is not ours to judge on CONNECT
        }

        if (ours && status == 400 && await kestrel.StatusForAsync(WithoutHost(bytes)) == 200)
        {
            // Kestrel's Host value check refuses some valid authorities (e.g. Host: [::]:443) that its CONNECT target
            // check accepts; the gateway does not judge Host on CONNECT (see OurVerdict).
            return (null, "Kestrel refuses: Host value");
        }

        if (ours && TargetHasUnderscore(bytes))
        {
            // RFC 3986 reg-name allows '_' (unreserved), DNS allows it and real hosts use it; Kestrel's host check refuses it.
            return (null, "Kestrel refuses: '_' in the host");
        }

        return ($"ours: {(ours ? "accept" : "refuse (" + reason + ")")}, Kestrel: {status?.ToString(CultureInfo.InvariantCulture) ?? "closed"}\n{HttpHeadGen.Print(bytes)}", "disagree");
    }

    /// <summary>
    /// What the gateway does with these bytes: the head parser, then the CONNECT target's authority check. (Host is
    /// not checked: on CONNECT the target is the request line's authority, and Kestrel, with
    /// <c>AllowHostHeaderOverride</c>, replaces Host by it too; only its presence rules differ, see <see cref="HostDiffers"/>.)
    /// </summary>
    internal static (bool Accepted, string Reason) OurVerdict(byte[] bytes)
    {
        HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), MaxHeadBytes, out HttpRequestHead? head, out _, out string? error);
        if (status != HttpHeadParseStatus.Complete)
        {
            return (false, status == HttpHeadParseStatus.Incomplete ? "incomplete" : error!);
        }

        if (head!.Method != "CONNECT")
        {
            return (false, "method");
        }

        return HttpRequestHead.TryParseAuthority(head.Target, out _, out _) ? (true, string.Empty) : (false, "authority");
    }

    private static bool TargetHasUnderscore(byte[] bytes)
    {
        HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), MaxHeadBytes, out HttpRequestHead? head, out _, out _);
        return head!.Target.Contains('_', StringComparison.Ordinal);
    }

    /// <summary>
    /// The same head without its Host fields (each field line starting with "Host:", any case), as HTTP/1.0, where
    /// Kestrel does not require one.
    /// </summary>
    internal static byte[] WithoutHost(byte[] bytes)
    {
        string text = System.Text.Encoding.Latin1.GetString(bytes);
        string[] lines = text.Split("\r\n");
        return System.Text.Encoding.Latin1.GetBytes(string.Join("\r\n", lines.Select((line, i) => i == 0 ? line.Replace(" HTTP/1.1", " HTTP/1.0", StringComparison.Ordinal) : line)
            .Where((line, i) => i == 0 || !line.StartsWith("host:", StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>Kestrel requires exactly one valid Host on HTTP/1.1; the gateway ignores Host on CONNECT.</summary>
    private static bool HostDiffers(byte[] bytes)
    {
        HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), MaxHeadBytes, out HttpRequestHead? head, out _, out _);
        string[] hosts = [.. head!.Headers.Where(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];
        return hosts.Length != 1 || hosts[0] != head.Target;
    }
}
