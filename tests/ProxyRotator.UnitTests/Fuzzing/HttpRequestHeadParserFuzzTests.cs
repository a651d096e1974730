using System.Buffers;
using CsCheck;
using ProxyRotator.Gateway.Protocols;
using ProxyRotator.UnitTests.Gateway.Protocols;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// Properties of the CONNECT head parser over generated hostile heads: it never throws (its only failures are the
/// documented <see cref="HttpHeadParseStatus"/> values with a message), it gives the same answer however the bytes
/// are split into segments, and a complete head is never complete before its blank line.
/// </summary>
public sealed class HttpRequestHeadParserFuzzTests
{
    private static readonly Gen<int> MaxHeadBytes = Gen.OneOf(16, 64, 256, 1024, 8192, 32768);

    [Fact]
    public void TryParse_GeneratedHeads_NeverThrowsAndIgnoresSegmentation()
    {
        Gen<(byte[] Bytes, int Max, int[] Cuts, int Prefix)> cases = Gen.Select(HttpHeadGen.Heads, MaxHeadBytes, Gen.Int[0, 6000].Array[0, 4], Gen.Int[0, int.MaxValue]);

        FuzzBudget.Sample(cases, c => CheckHead(c.Bytes, c.Max, c.Cuts, c.Prefix), iterations: 20_000, print: c => $"max {c.Max}, cuts [{string.Join(",", c.Cuts)}]\n{HttpHeadGen.Print(c.Bytes)}");
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        Gen<(byte[] Bytes, int Max, int[] Cuts, int Prefix)> cases = Gen.Select(Gen.Byte.Array[0, 600], MaxHeadBytes, Gen.Int[0, 600].Array[0, 3], Gen.Int[0, int.MaxValue]);

        FuzzBudget.Sample(cases, c => CheckHead(c.Bytes, c.Max, c.Cuts, c.Prefix), iterations: 10_000, print: c => HttpHeadGen.Print(c.Bytes));
    }

    internal static void CheckHead(byte[] bytes, int maxHeadBytes, int[] cuts, int prefixSeed)
    {
        HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), maxHeadBytes, out HttpRequestHead? head, out long consumed, out string? error);

        HttpHeadParseStatus splitStatus = HttpRequestHeadParser.TryParse(TestSequence.Split(bytes, cuts), maxHeadBytes, out HttpRequestHead? splitHead, out long splitConsumed, out string? splitError);
        Assert.Equal((status, consumed, error), (splitStatus, splitConsumed, splitError));
        Assert.Equal(Describe(head), Describe(splitHead));

        switch (status)
        {
            case HttpHeadParseStatus.Complete:
                Assert.NotNull(head);
                Assert.InRange(consumed, 4, Math.Min(bytes.Length, maxHeadBytes));
                Assert.True(bytes.AsSpan((int)consumed - 4, 4).SequenceEqual("\r\n\r\n"u8));

                // A strict prefix of a complete head is never complete.
                int prefix = (int)(prefixSeed % consumed);
                HttpHeadParseStatus early = HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes, 0, prefix), maxHeadBytes, out _, out _, out _);
                Assert.NotEqual(HttpHeadParseStatus.Complete, early);
                break;
            case HttpHeadParseStatus.Incomplete:
                Assert.Equal((0L, null), (consumed, error));
                break;
            default:
                Assert.Null(head);
                Assert.False(string.IsNullOrEmpty(error));
                break;
        }
    }

    private static string? Describe(HttpRequestHead? head) =>
        head is null ? null : $"{head.Method}|{head.Target}|{head.Version}|{string.Join("|", head.Headers.Select(h => h.Key + ":" + h.Value))}";
}
