using System.Text;

namespace ProxyRotator.AdminClient;

/// <summary>A plain aligned text table: header, a rule, rows; numeric columns right-aligned.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _rightAligned = [];

    public int RowCount => _rows.Count;

    public TextTable AlignRight(params int[] columns)
    {
        foreach (int column in columns)
        {
            _rightAligned.Add(column);
        }

        return this;
    }

    public void Add(params string?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add([.. cells.Select(c => string.IsNullOrEmpty(c) ? "-" : c.ReplaceLineEndings(" "))]);
    }

    public override string ToString()
    {
        int[] widths = [.. headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length)))];
        var text = new StringBuilder();
        AppendRow(text, headers, widths);
        AppendRow(text, [.. widths.Select(w => new string('-', w))], widths);
        foreach (string[] row in _rows)
        {
            AppendRow(text, row, widths);
        }

        return text.ToString();
    }

    private void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(_rightAligned.Contains(i) ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
