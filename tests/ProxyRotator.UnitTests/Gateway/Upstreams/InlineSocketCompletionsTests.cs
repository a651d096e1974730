using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.UnitTests.Gateway.Upstreams;

public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public async Task TryEnable_PendingReceive_ContinuationRunsOffTheThreadPool()
    {
        (Socket client, Socket server) = await PairAsync();
        using (client)
        using (server)
        {
            bool enabled = InlineSocketCompletions.TryEnable(server);
            bool? onPool = null;
            Task receive = ReceiveOneAsync(server, pool => onPool = pool);
            await Task.Delay(50); // let the receive wait for data, so it completes from the event thread
            await client.SendAsync(new byte[] { 1 });
            await receive.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(InlineSocketCompletions.IsSupported, enabled);
            Assert.Equal(enabled, InlineSocketCompletions.IsEnabled(server));
            Assert.Equal(!enabled, onPool); // inline: the socket event thread, not a pool worker
        }
    }

    [Fact]
    public async Task IsEnabled_NewSocket_False()
    {
        (Socket client, Socket server) = await PairAsync();
        using (client)
        using (server)
        {
            Assert.False(InlineSocketCompletions.IsEnabled(server));
            Assert.False(InlineSocketCompletions.IsEnabled(client));
        }
    }

    private static async Task ReceiveOneAsync(Socket socket, Action<bool> report)
    {
        byte[] buffer = new byte[1];
        int read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
        Assert.Equal(1, read);
        report(Thread.CurrentThread.IsThreadPoolThread);
    }

    private static async Task<(Socket Connecting, Socket Accepted)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var connecting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await connecting.ConnectAsync(listener.LocalEndPoint!);
        return (connecting, await accept);
    }
}
