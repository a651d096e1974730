using System.Globalization;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// Appends lines to a file and rotates it before a line would take it past <c>maxFileBytes</c>: <c>access.log</c>
/// becomes <c>access.log.1</c>, <c>.1</c> becomes <c>.2</c> and so on; beyond <c>maxFiles</c> rotated files the
/// oldest is deleted. A line is never split across files; a single line longer than the limit gets a file to itself.
/// </summary>
public sealed class RotatingFileAccessLogSink : IAccessLogSink
{
    private readonly string _path;
    private readonly long _maxFileBytes;
    private readonly int _maxFiles;
    private FileStream? _file;
    private long _size;

    public RotatingFileAccessLogSink(string path, long maxFileBytes, int maxFiles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFileBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFiles, 0);
        _path = Path.GetFullPath(path);
        _maxFileBytes = maxFileBytes;
        _maxFiles = maxFiles;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        FileStream file = _file ?? Open();
        while (!lines.IsEmpty)
        {
            // Take as many whole lines as fit in what is left of the current file.
            int take = FittingPrefix(lines.Span, _maxFileBytes - _size);
            if (take == 0)
            {
                if (_size > 0)
                {
                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                    file = Rotate();
                    continue;
                }

                take = NextLineLength(lines.Span); // longer than a whole file: alone in a fresh one
            }

            await file.WriteAsync(lines[..take], cancellationToken).ConfigureAwait(false);
            _size += take;
            lines = lines[take..];
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _file?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static int FittingPrefix(ReadOnlySpan<byte> lines, long room)
    {
        int taken = 0;
        while (taken < lines.Length)
        {
            int next = NextLineLength(lines[taken..]);
            if (taken + next > room)
            {
                break;
            }

            taken += next;
        }

        return taken;
    }

    private static int NextLineLength(ReadOnlySpan<byte> lines)
    {
        int newline = lines.IndexOf((byte)'\n');
        return newline < 0 ? lines.Length : newline + 1;
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        _size = _file.Length;
        return _file;
    }

    private FileStream Rotate()
    {
        _file!.Dispose();
        _file = null;
        if (_maxFiles == 0)
        {
            File.Delete(_path);
        }
        else
        {
            File.Delete(Rotated(_maxFiles));
            for (int i = _maxFiles - 1; i >= 1; i--)
            {
                if (File.Exists(Rotated(i)))
                {
                    File.Move(Rotated(i), Rotated(i + 1));
                }
            }

            File.Move(_path, Rotated(1));
        }

        return Open();
    }

    private string Rotated(int index) => _path + "." + index.ToString(CultureInfo.InvariantCulture);
}
