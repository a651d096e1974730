using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// A kernel pipe for <c>splice(2)</c> (Linux): bytes move from one socket into it and from it into another without
/// passing through user space (the pipe holds references to the socket buffers' pages, not copies). Every call is
/// non-blocking: a socket of .NET's is non-blocking at the OS level once it has done an async operation, and the pipe's
/// ends are opened non-blocking. One relayed client connection owns one pipe and uses it for one body at a time;
/// <see cref="Buffered"/> says what is still in it (a pipe left with bytes after a failure must be disposed, not reused).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class SplicePipe : IDisposable
{
    /// <summary>-errno of "would block" (EAGAIN): the socket has nothing to read, or no room to write.</summary>
    public const int WouldBlock = -11;

    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const int F_GETFL = 3;
    private const int F_SETPIPE_SZ = 1031;
    private const int F_GETPIPE_SZ = 1032;
    private const uint SPLICE_F_MOVE = 1;
    private const uint SPLICE_F_NONBLOCK = 2;

    private readonly SafeFileHandle _read;
    private readonly SafeFileHandle _write;

    private SplicePipe(SafeFileHandle read, SafeFileHandle write, int capacity)
    {
        _read = read;
        _write = write;
        Capacity = capacity;
    }

    /// <summary>Bytes the pipe holds (it takes at most <see cref="Capacity"/>, fewer when the pages arrive part-filled).</summary>
    public int Capacity { get; }

    /// <summary>Bytes spliced in and not yet out.</summary>
    public int Buffered { get; private set; }

    /// <summary>Bytes that left the pipe through user space (<see cref="ReadInto"/>: the destination was full) over the pipe's life.</summary>
    public long BytesReadOut { get; private set; }

    /// <summary>A new pipe of about <paramref name="size"/> bytes (the kernel's default where it refuses the size); null where pipes cannot be made.</summary>
    public static SplicePipe? TryCreate(int size)
    {
        Span<int> ends = stackalloc int[2];
        if (Pipe2(ref MemoryMarshal.GetReference(ends), O_NONBLOCK | O_CLOEXEC) != 0)
        {
            return null;
        }

        var read = new SafeFileHandle(ends[0], ownsHandle: true);
        var write = new SafeFileHandle(ends[1], ownsHandle: true);
        // Best effort: a larger pipe moves a body in fewer calls; a user over its pipe-page limit keeps the default.
        _ = Fcntl(write, F_SETPIPE_SZ, size);
        int capacity = Fcntl(write, F_GETPIPE_SZ, 0);
        return new SplicePipe(read, write, capacity > 0 ? capacity : 64 * 1024);
    }

    /// <summary>Whether <paramref name="socket"/> is non-blocking at the OS level (else a splice could block a thread).</summary>
    public static bool IsNonBlocking(SafeSocketHandle socket)
    {
        int flags = Fcntl(socket, F_GETFL, 0);
        return flags >= 0 && (flags & O_NONBLOCK) != 0;
    }

    /// <summary>Moves up to <paramref name="max"/> bytes from <paramref name="socket"/> into the pipe: the count, 0 at the end of the socket's stream, or -errno (<see cref="WouldBlock"/>).</summary>
    public int SpliceFrom(SafeSocketHandle socket, int max)
    {
        int moved = Splice(socket, _write, Math.Min(max, Capacity - Buffered));
        if (moved > 0)
        {
            Buffered += moved;
        }

        return moved;
    }

    /// <summary>Moves what the pipe holds into <paramref name="socket"/>, as far as its send buffer takes it: the count, or -errno (<see cref="WouldBlock"/>).</summary>
    public int SpliceTo(SafeSocketHandle socket)
    {
        int moved = Splice(_read, socket, Buffered);
        if (moved > 0)
        {
            Buffered -= moved;
        }

        return moved;
    }

    /// <summary>
    /// Copies <paramref name="bytes"/> into the pipe (a response head, to leave with the body spliced behind it in one
    /// send): true when all went in; false leaves the pipe holding part of them, or nothing.
    /// </summary>
    public bool TryWrite(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty && Buffered + bytes.Length <= Capacity)
        {
            nint written = Write(_write, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
            if (written <= 0)
            {
                if (written < 0 && Marshal.GetLastPInvokeError() == EINTR)
                {
                    continue;
                }

                return false;
            }

            Buffered += (int)written;
            bytes = bytes[(int)written..];
        }

        return bytes.IsEmpty;
    }

    /// <summary>Reads what the pipe holds into <paramref name="buffer"/> (at least <see cref="Buffered"/> long): the count, or -errno.</summary>
    public int ReadInto(Span<byte> buffer)
    {
        int total = 0;
        while (Buffered > 0)
        {
            nint read = Read(_read, ref MemoryMarshal.GetReference(buffer[total..]), (nuint)Math.Min(Buffered, buffer.Length - total));
            if (read < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }

                return -errno;
            }

            if (read == 0)
            {
                break;
            }

            total += (int)read;
            Buffered -= (int)read;
            BytesReadOut += read;
        }

        return total;
    }

    public void Dispose()
    {
        _read.Dispose();
        _write.Dispose();
    }

    private static int Splice(SafeHandle from, SafeHandle to, int length)
    {
        while (true)
        {
            nint moved = SpliceNative(from, 0, to, 0, (nuint)length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (moved >= 0)
            {
                return (int)moved;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                return errno == EAGAIN ? WouldBlock : -errno;
            }
        }
    }

    // A descriptor goes as a SafeHandle (held for the call, so a concurrent close cannot hand its number to another
    // file): it travels in a whole register, of which the x64 and arm64 calling conventions read the int's low half.
    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint SpliceNative(SafeHandle fdIn, nint offIn, SafeHandle fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(ref int fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeHandle fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(SafeHandle fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(SafeHandle fd, ref byte buffer, nuint count);
}
