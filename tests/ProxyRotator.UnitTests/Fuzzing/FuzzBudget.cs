using CsCheck;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// How long the fuzz properties run. By default each runs a bounded number of cases, so the whole set takes well
/// under a minute inside <c>dotnet test ProxyRotator.sln</c>; <c>PROXYROTATOR_FUZZ_SECONDS=N</c> runs each
/// property for N seconds instead (the README's long run). A failure prints CsCheck's shrunk input and its seed;
/// <c>CsCheck_Seed=SEED</c> replays it.
/// </summary>
internal static class FuzzBudget
{
    public const string SecondsVariable = "PROXYROTATOR_FUZZ_SECONDS";

    /// <summary>Seconds per property when set (a long run), else 0.</summary>
    public static int Seconds { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), out int seconds) && seconds > 0 ? seconds : 0;

    /// <summary>Runs <paramref name="property"/> on <paramref name="iterations"/> generated cases (or for <see cref="Seconds"/>).</summary>
    public static void Sample<T>(Gen<T> gen, Action<T> property, long iterations, Func<T, string>? print = null, int threads = -1)
    {
        if (Seconds > 0)
        {
            gen.Sample(property, time: Seconds, threads: threads, print: print);
        }
        else
        {
            gen.Sample(property, iter: iterations, threads: threads, print: print);
        }
    }
}
