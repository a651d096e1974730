using ProxyRotator.Gateway.Routing;

namespace ProxyRotator.UnitTests.Gateway.Routing;

public sealed class SessionBindingGateTests
{
    [Fact]
    public async Task Ended_WaiterBeforeEnd_CompletesWhenTheHolderEnds()
    {
        var gate = new SessionBindingGate();
        Assert.True(gate.TryClaim("a", "s1", out SessionBindingGate.Claim held));
        Assert.False(gate.TryClaim("a", "s1", out SessionBindingGate.Claim seen));
        Task ended = seen.Ended;
        Assert.False(ended.IsCompleted);
        Assert.Equal((1, 1), (gate.Pending, gate.PendingFor("a")));

        held.End();

        await ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((0, 0), (gate.Pending, gate.PendingFor("a")));
        Assert.True(gate.TryClaim("a", "s1", out _));
    }

    [Fact]
    public void Ended_AskedAfterEnd_AlreadyComplete()
    {
        var gate = new SessionBindingGate();
        Assert.True(gate.TryClaim("a", "s1", out SessionBindingGate.Claim held));

        held.End();
        held.End();

        Assert.True(held.Ended.IsCompletedSuccessfully);
        Assert.Equal(0, gate.Pending);
    }

    [Fact]
    public async Task Ended_EndRacingManyWaiters_EveryWaiterWakes()
    {
        for (int round = 0; round < 200; round++)
        {
            var gate = new SessionBindingGate();
            Assert.True(gate.TryClaim("a", "s", out SessionBindingGate.Claim held));
            Task<Task>[] waiters = [.. Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() => held.Ended, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default))];
            Task ending = Task.Run(held.End);

            await ending;
            foreach (Task<Task> waiter in waiters)
            {
                await (await waiter).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }
}
