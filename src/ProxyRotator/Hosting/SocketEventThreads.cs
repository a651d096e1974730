using System.Globalization;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Hosting;

/// <summary>
/// One socket event thread per CPU unless the operator set <c>DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT</c>. The gateway's
/// tunnel sockets run their completions inline on these threads (<see cref="InlineSocketCompletions"/>); with the
/// runtime's default of one thread per 30 CPUs every tunnel of the process would run on a single thread, which on a busy
/// machine gets one thread's share of the CPUs (measured: 0.55 vs 0.76 × one-hop on 2 CPUs, same run). Kestrel's and
/// every other socket's completions still go to the thread pool, from whichever event thread saw them. The runtime reads
/// the variable once, when the first socket waits, so this runs first thing in <c>Main</c>.
/// </summary>
internal static class SocketEventThreads
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    public static void UseOnePerProcessor()
    {
        if (InlineSocketCompletions.IsSupported && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Environment.SetEnvironmentVariable(Variable, Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        }
    }
}
