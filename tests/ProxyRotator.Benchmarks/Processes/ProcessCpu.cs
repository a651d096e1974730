using System.Globalization;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// CPU time (user + system) of a process read from <c>/proc/&lt;pid&gt;/stat</c>, in clock ticks of 10 ms (Linux's
/// USER_HZ is 100). A child's time moves into its parent's "children" fields once the parent has waited for it, which
/// is how a short-lived client such as wrk is measured.
/// </summary>
internal static class ProcessCpu
{
    private const double TickMicroseconds = 10_000;

    /// <summary>utime + stime of a running process, in µs; 0 when it is gone.</summary>
    public static double OwnMicroseconds(int pid) => Read(pid, children: false);

    /// <summary>cutime + cstime of this process: the CPU of every child it has waited for, in µs.</summary>
    public static double ChildrenMicroseconds() => Read(Environment.ProcessId, children: true);

    private static double Read(int pid, bool children)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0;
        }

        // The command name (field 2) may hold spaces: count fields from the closing parenthesis. Fields 14-17 are
        // utime, stime, cutime, cstime; after ')' field 3 (state) is index 0.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        int first = children ? 13 : 11;
        long ticks = long.Parse(fields[first], CultureInfo.InvariantCulture) + long.Parse(fields[first + 1], CultureInfo.InvariantCulture);
        return ticks * TickMicroseconds;
    }

    /// <summary>The 1-minute load average, for the report (the machine is shared).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
