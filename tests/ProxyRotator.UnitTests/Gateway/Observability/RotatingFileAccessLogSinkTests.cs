using System.Text;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

public sealed class RotatingFileAccessLogSinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("accesslog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Line(int i) => Encoding.UTF8.GetBytes($"{{\"n\":{i:D4},\"pad\":\"{new string('x', 80)}\"}}\n");

    [Fact]
    public async Task WriteAsync_PastMaxSize_RotatesWholeLinesAndKeepsMaxFiles()
    {
        string path = Path.Combine(_folder, "access.log");
        int lineBytes = Line(0).Length;
        long max = lineBytes * 10L + lineBytes / 2; // ten whole lines fit, the eleventh does not
        await using (var sink = new RotatingFileAccessLogSink(path, max, maxFiles: 2))
        {
            // Batches of 7 lines, so rotation has to happen inside a batch.
            for (int batch = 0; batch < 7; batch++)
            {
                byte[] lines = [.. Enumerable.Range(batch * 7, 7).SelectMany(Line)];
                await sink.WriteAsync(lines, CancellationToken.None);
            }
        }

        // 49 lines: files of 10, 10, 10, 10 then 9 in the current one; only the two newest rotated files are kept.
        string[] files = [.. Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["access.log", "access.log.1", "access.log.2"], files);
        foreach (string file in files)
        {
            Assert.True(new FileInfo(Path.Combine(_folder, file)).Length <= max, file);
        }

        string[] current = await File.ReadAllLinesAsync(path);
        string[] newest = await File.ReadAllLinesAsync(path + ".1");
        string[] older = await File.ReadAllLinesAsync(path + ".2");
        Assert.Equal(9, current.Length);
        Assert.Equal(10, newest.Length);
        Assert.StartsWith("{\"n\":0040", current[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"n\":0030", newest[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"n\":0020", older[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_ExistingFile_AppendsAndCountsItsSize()
    {
        string path = Path.Combine(_folder, "access.log");
        int lineBytes = Line(0).Length;
        await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 3).SelectMany(Line)]);
        await using (var sink = new RotatingFileAccessLogSink(path, lineBytes * 4L, maxFiles: 1))
        {
            await sink.WriteAsync(Line(3).Concat(Line(4)).ToArray(), CancellationToken.None);
        }

        Assert.Equal(4, (await File.ReadAllLinesAsync(path + ".1")).Length);
        Assert.Single(await File.ReadAllLinesAsync(path));
    }
}
