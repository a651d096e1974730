using System.Diagnostics;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>Waits for a condition another instance brings about, checking often, up to a deadline (never a fixed sleep).</summary>
internal static class Eventually
{
    /// <summary>Returns how long it took; fails the test when <paramref name="deadline"/> passes first.</summary>
    public static Task<TimeSpan> WaitAsync(Func<bool> condition, TimeSpan deadline, string what) => WaitAsync(condition, deadline, () => what);

    /// <summary>As above, with a description made at the failure (to show the state that was reached).</summary>
    public static async Task<TimeSpan> WaitAsync(Func<bool> condition, TimeSpan deadline, Func<string> what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > deadline)
            {
                Assert.Fail($"{what()}: not within {deadline.TotalSeconds:0.#} s");
            }

            await Task.Delay(10);
        }

        return watch.Elapsed;
    }

    public static async Task<TimeSpan> WaitAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > deadline)
            {
                Assert.Fail($"{what}: not within {deadline.TotalSeconds:0.#} s");
            }

            await Task.Delay(20);
        }

        return watch.Elapsed;
    }
}
