using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// Runs one socket's async completions on the runtime's socket event thread instead of a thread-pool worker, the
/// per-socket form of <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> (which is process-wide: every Kestrel,
/// HttpClient and database socket too). On Linux each completion a worker runs costs a wake-up and a context switch;
/// a tunnel has several. Only for sockets whose continuations never block: a blocked continuation would
/// stall every socket of the process. The switch (<c>Socket.PreferInlineCompletions</c>) is internal to the runtime:
/// where a runtime does not have it (Windows, another version), <see cref="TryEnable"/> does nothing and returns false.
/// </summary>
public static class InlineSocketCompletions
{
    private const string SwitchName = "PreferInlineCompletions";

    /// <summary>Whether this runtime has the per-socket switch (looked up once).</summary>
    public static bool IsSupported { get; } =
        !OperatingSystem.IsWindows()
        && HasBoolean(typeof(Socket).GetProperty(SwitchName, BindingFlags.Instance | BindingFlags.NonPublic)?.SetMethod)
        && HasBoolean(typeof(SafeSocketHandle).GetProperty(SwitchName, BindingFlags.Instance | BindingFlags.NonPublic)?.GetMethod);

    /// <summary>Makes <paramref name="socket"/>'s completions run inline from now on; false where the runtime cannot.</summary>
    public static bool TryEnable(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!IsSupported)
        {
            return false;
        }

        SetPreferInlineCompletions(socket, true);
        return true;
    }

    /// <summary>Gives <paramref name="socket"/>'s completions back to the thread pool (a socket handed on to code that may block).</summary>
    public static void Disable(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (IsSupported)
        {
            SetPreferInlineCompletions(socket, false);
        }
    }

    /// <summary>Whether <paramref name="socket"/>'s completions run inline (false where the runtime cannot tell).</summary>
    public static bool IsEnabled(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return IsSupported && GetPreferInlineCompletions(socket.SafeHandle);
    }

    private static bool HasBoolean(MethodInfo? accessor) =>
        accessor is not null && (accessor.ReturnType == typeof(bool) || accessor.GetParameters() is [{ ParameterType: var type }] && type == typeof(bool));

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_" + SwitchName)]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_" + SwitchName)]
    private static extern bool GetPreferInlineCompletions(SafeSocketHandle handle);
}
