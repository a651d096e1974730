using System.Buffers;
using CsCheck;
using ProxyRotator.Gateway.Socks;
using ProxyRotator.UnitTests.Gateway.Protocols;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// Properties of the three SOCKS5 message parsers over generated messages (near-valid ones with random edits, and
/// random bytes): they never throw, they answer the same however the bytes are segmented, an incomplete message
/// consumes nothing, a complete one consumes no more than it was given, and a valid request round-trips.
/// </summary>
public sealed class Socks5ParserFuzzTests
{
    private static readonly Gen<byte[]> Greetings = Gen.Select(Gen.OneOf<byte>(5, 5, 5, 4, 0), Gen.Byte, Gen.Byte.Array[0, 260], (version, count, methods) =>
        (byte[])[version, count, .. methods]);

    private static readonly Gen<byte[]> Credentials = Gen.Select(Gen.OneOf<byte>(1, 1, 1, 5, 0), Gen.Byte.Array[0, 260], Gen.Byte.Array[0, 260], Gen.Int[-2, 2], (version, user, password, skew) =>
        (byte[])[version, (byte)Math.Clamp(user.Length + skew, 0, 255), .. user.Take(255), (byte)Math.Min(password.Length, 255), .. password.Take(255)]);

    private static readonly Gen<byte[]> Requests = Gen.Select(
        Gen.OneOf<byte>(5, 5, 5, 4), Gen.OneOf<byte>(1, 1, 2, 3, 0, 9), Gen.OneOf<byte>(0, 0, 0, 1), Gen.OneOf<byte>(1, 3, 3, 4, 0, 2, 5),
        Gen.Byte.Array[0, 270], Gen.Int[-2, 2], Gen.UShort,
        (version, command, reserved, type, address, skew, port) =>
        {
            byte[] body = type switch
            {
                1 => [.. address.Take(4)],
                4 => [.. address.Take(16)],
                3 => [(byte)Math.Clamp(Math.Min(address.Length, 255) + skew, 0, 255), .. address.Take(255)],
                _ => [.. address.Take(8)],
            };
            return (byte[])[version, command, reserved, type, .. body, (byte)(port >> 8), (byte)port];
        });

    private static Gen<(byte[] Bytes, int[] Cuts)> Messages(Gen<byte[]> near) =>
        Gen.Select(Gen.Frequency((4, near), (1, Gen.Byte.Array[0, 40])), Gen.Int[0, 600].Array[0, 3]);

    [Fact]
    public void TryParseGreeting_GeneratedBytes_NeverThrowsAndIgnoresSegmentation() =>
        FuzzBudget.Sample(Messages(Greetings), c =>
        {
            bool done = Socks5Parser.TryParseGreeting(new ReadOnlySequence<byte>(c.Bytes), out long consumed, out bool offers, out string? error);
            bool splitDone = Socks5Parser.TryParseGreeting(TestSequence.Split(c.Bytes, c.Cuts), out long splitConsumed, out bool splitOffers, out string? splitError);
            Assert.Equal((done, consumed, offers, error), (splitDone, splitConsumed, splitOffers, splitError));
            CheckConsumed(c.Bytes, done, consumed, error);
        }, iterations: 20_000, print: c => Convert.ToHexString(c.Bytes));

    [Fact]
    public void TryParseCredentials_GeneratedBytes_NeverThrowsAndIgnoresSegmentation() =>
        FuzzBudget.Sample(Messages(Credentials), c =>
        {
            bool done = Socks5Parser.TryParseCredentials(new ReadOnlySequence<byte>(c.Bytes), out long consumed, out byte[] user, out byte[] password, out string? error);
            bool splitDone = Socks5Parser.TryParseCredentials(TestSequence.Split(c.Bytes, c.Cuts), out long splitConsumed, out byte[] splitUser, out byte[] splitPassword, out string? splitError);
            Assert.Equal((done, consumed, error), (splitDone, splitConsumed, splitError));
            Assert.Equal(user, splitUser);
            Assert.Equal(password, splitPassword);
            CheckConsumed(c.Bytes, done, consumed, error);
            if (done && error is null)
            {
                Assert.Equal(3 + user.Length + password.Length, consumed);
                Assert.DoesNotContain(user, b => b < 0x20 || b == 0x7F);
            }
        }, iterations: 20_000, print: c => Convert.ToHexString(c.Bytes));

    [Fact]
    public void TryParseRequest_GeneratedBytes_NeverThrowsAndIgnoresSegmentation() =>
        FuzzBudget.Sample(Messages(Requests), c =>
        {
            bool done = Socks5Parser.TryParseRequest(new ReadOnlySequence<byte>(c.Bytes), out long consumed, out Socks5Request request, out string? error);
            bool splitDone = Socks5Parser.TryParseRequest(TestSequence.Split(c.Bytes, c.Cuts), out long splitConsumed, out Socks5Request splitRequest, out string? splitError);
            Assert.Equal((done, consumed, request, error), (splitDone, splitConsumed, splitRequest, splitError));
            CheckConsumed(c.Bytes, done, consumed, error);
            if (done && error is null && request.Host.Length > 0)
            {
                // A parsed destination is one the rest of the gateway can use: a port for CONNECT (BIND and UDP ASSOCIATE
                // may say 0, "not known yet", RFC 1928 §4/§7), and a host name in ASCII without controls.
                Assert.InRange(request.Port, request.Command == Socks5Constants.CommandConnect ? 1 : 0, 65535);
                Assert.DoesNotContain(request.Host, ch => ch <= ' ' || ch >= '\u007F');
                if (request.AddressType == 3)
                {
                    Assert.Equal(c.Bytes.AsSpan(5, c.Bytes[4]).ToArray(), System.Text.Encoding.Latin1.GetBytes(request.Host)); // the name as sent, not a lossy decoding
                }
            }
        }, iterations: 20_000, print: c => Convert.ToHexString(c.Bytes));

    private static void CheckConsumed(byte[] bytes, bool done, long consumed, string? error)
    {
        if (!done)
        {
            Assert.Equal((0L, null), (consumed, error));
        }
        else
        {
            Assert.InRange(consumed, 0, bytes.Length);
        }
    }
}
