using System.Diagnostics;
using System.Text;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// This benchmark assembly started again as a helper process (<c>upstreams</c>, <c>tunnel-client</c>), talked to by
/// lines on standard input and output; closing its input ends it.
/// </summary>
internal sealed class HelperProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private HelperProcess(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    public static HelperProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(HelperProcess).Assembly.Location);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var helper = new HelperProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start " + args[0]));
        helper._process.ErrorDataReceived += (_, e) =>
        {
            lock (helper._errors)
            {
                if (e.Data is not null && helper._errors.Length < 16 * 1024)
                {
                    helper._errors.AppendLine(e.Data);
                }
            }
        };
        helper._process.BeginErrorReadLine();
        return helper;
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string? line = await _process.StandardOutput.ReadLineAsync(cancel.Token);
        if (line is null)
        {
            await _process.WaitForExitAsync(CancellationToken.None);
            lock (_errors)
            {
                throw new InvalidOperationException($"helper process exited with {_process.ExitCode}:\n{_errors}");
            }
        }

        return line;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
