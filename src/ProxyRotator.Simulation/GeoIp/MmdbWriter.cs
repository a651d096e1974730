using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ProxyRotator.Simulation.GeoIp;

/// <summary>
/// Writes MaxMind DB (.mmdb) files: an IPv6 binary search tree (IPv4 networks live at <c>::/96</c>), a data
/// section with each distinct record stored once, and the metadata after <c>\xAB\xCD\xEFMaxMind.com</c>.
/// Networks may overlap: a more specific network wins, and among equal ones the later insert. Reserved
/// ranges (loopback, private) are allowed on purpose, so tests can describe 127.0.1.x upstreams.
/// </summary>
/// <remarks>Spec: https://maxmind.github.io/MaxMind-DB/.</remarks>
public sealed class MmdbWriter
{
    private const int DataSectionSeparator = 16;
    private static ReadOnlySpan<byte> MetadataMarker =>
        [0xAB, 0xCD, 0xEF, (byte)'M', (byte)'a', (byte)'x', (byte)'M', (byte)'i', (byte)'n', (byte)'d', (byte)'.', (byte)'c', (byte)'o', (byte)'m'];

    private readonly List<(UInt128 Network, int PrefixLength, object Data)> _networks = [];

    /// <param name="databaseType">e.g. <c>GeoLite2-Country</c>; readers choose their model by it.</param>
    public MmdbWriter(string databaseType, string description = "ProxyRotator test database")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseType);
        DatabaseType = databaseType;
        Description = description;
    }

    public string DatabaseType { get; }

    public string Description { get; }

    public IList<string> Languages { get; } = ["en"];

    /// <summary>Written as <c>build_epoch</c>; defaults to the Unix epoch so output is reproducible.</summary>
    public DateTimeOffset BuildTime { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>24, 28 or 32; null picks the smallest that fits.</summary>
    public int? RecordSize { get; set; }

    public int NetworkCount => _networks.Count;

    /// <summary>Adds a network in CIDR notation (<c>81.2.69.0/24</c>, <c>2001:db8::/32</c>) or a single address.</summary>
    public MmdbWriter Insert(string network, object data)
    {
        ArgumentNullException.ThrowIfNull(network);
        int slash = network.IndexOf('/', StringComparison.Ordinal);
        IPAddress address = IPAddress.Parse(slash < 0 ? network : network[..slash]);
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int prefixLength = slash < 0 ? bits : int.Parse(network.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        return Insert(address, prefixLength, data);
    }

    public MmdbWriter Insert(IPAddress address, int prefixLength, object data)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(data);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        int maxPrefix = v4 ? 32 : 128;
        if (prefixLength < 1 || prefixLength > maxPrefix)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), $"A prefix length is 1..{maxPrefix} here.");
        }

        // IPv4 a.b.c.d is ::a.b.c.d in the IPv6 tree, as MaxMind readers expect.
        UInt128 value = ToUInt128(address);
        int treePrefix = v4 ? prefixLength + 96 : prefixLength;
        UInt128 mask = treePrefix == 128 ? UInt128.MaxValue : ~(UInt128.MaxValue >> treePrefix);
        _networks.Add((value & mask, treePrefix, data));
        return this;
    }

    public void WriteTo(string path)
    {
        byte[] bytes = ToArray();
        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(temporary, bytes);

        // Replace atomically: a reader that has the old file open keeps a consistent view.
        File.Move(temporary, path, overwrite: true);
    }

    public byte[] ToArray()
    {
        var root = new TreeNode();
        var dataOffsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var dataSection = new MemoryStream();

        // Broad networks first, so more specific ones carve into them; a stable sort keeps later inserts on top.
        foreach ((UInt128 network, int prefixLength, object data) in _networks.OrderBy(n => n.PrefixLength))
        {
            byte[] encoded = MmdbDataEncoder.Encode(data);
            string key = Convert.ToBase64String(encoded);
            if (!dataOffsets.TryGetValue(key, out int offset))
            {
                offset = (int)dataSection.Length;
                dataSection.Write(encoded);
                dataOffsets[key] = offset;
            }

            root.Insert(network, prefixLength, offset);
        }

        List<TreeNode> nodes = Number(root);
        long nodeCount = nodes.Count;
        long maxRecord = nodeCount + DataSectionSeparator + dataSection.Length;
        int recordSize = RecordSize ?? (maxRecord < (1L << 24) ? 24 : maxRecord < (1L << 28) ? 28 : 32);
        if (recordSize is not (24 or 28 or 32) || maxRecord >= (1L << recordSize))
        {
            throw new InvalidOperationException($"Record size {recordSize} cannot address {maxRecord}.");
        }

        var output = new MemoryStream();
        foreach (TreeNode node in nodes)
        {
            WriteNode(output, recordSize, RecordValue(node, 0, nodeCount), RecordValue(node, 1, nodeCount));
        }

        output.Write(new byte[DataSectionSeparator]);
        dataSection.WriteTo(output);
        output.Write(MetadataMarker);
        MmdbDataEncoder.Write(output, Metadata(nodeCount, recordSize));
        return output.ToArray();
    }

    private Dictionary<string, object> Metadata(long nodeCount, int recordSize) => new()
    {
        ["binary_format_major_version"] = (ushort)2,
        ["binary_format_minor_version"] = (ushort)0,
        ["build_epoch"] = (ulong)BuildTime.ToUnixTimeSeconds(),
        ["database_type"] = DatabaseType,
        ["description"] = new Dictionary<string, object> { ["en"] = Description },
        ["ip_version"] = (ushort)6,
        ["languages"] = Languages.ToArray(),
        ["node_count"] = (uint)nodeCount,
        ["record_size"] = (ushort)recordSize,
    };

    private static long RecordValue(TreeNode node, int side, long nodeCount) =>
        node.Children[side] is { } child ? child.Number
        : node.Data[side] is int offset ? nodeCount + DataSectionSeparator + offset
        : nodeCount;

    private static void WriteNode(Stream output, int recordSize, long left, long right)
    {
        switch (recordSize)
        {
            case 24:
                Write24(output, left);
                Write24(output, right);
                break;
            case 28:
                // The middle byte holds the top nibble of the left record, then that of the right.
                Write24(output, left & 0xFFFFFF);
                output.WriteByte((byte)((((left >> 24) & 0x0F) << 4) | ((right >> 24) & 0x0F)));
                Write24(output, right & 0xFFFFFF);
                break;
            default:
                Write24(output, left >> 8);
                output.WriteByte((byte)left);
                Write24(output, right >> 8);
                output.WriteByte((byte)right);
                break;
        }
    }

    private static void Write24(Stream output, long value)
    {
        output.WriteByte((byte)(value >> 16));
        output.WriteByte((byte)(value >> 8));
        output.WriteByte((byte)value);
    }

    /// <summary>Numbers nodes breadth-first; the root is node 0.</summary>
    private static List<TreeNode> Number(TreeNode root)
    {
        var nodes = new List<TreeNode>();
        var queue = new Queue<TreeNode>();
        queue.Enqueue(root);
        while (queue.TryDequeue(out TreeNode? node))
        {
            node.Number = nodes.Count;
            nodes.Add(node);
            foreach (TreeNode? child in node.Children)
            {
                if (child is not null)
                {
                    queue.Enqueue(child);
                }
            }
        }

        return nodes;
    }

    private static UInt128 ToUInt128(IPAddress address)
    {
        byte[] bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>A tree node: each side is a child node, a data offset, or empty.</summary>
    private sealed class TreeNode
    {
        public TreeNode?[] Children { get; } = new TreeNode?[2];

        public int?[] Data { get; } = new int?[2];

        public int Number { get; set; }

        public void Insert(UInt128 network, int prefixLength, int dataOffset)
        {
            TreeNode node = this;
            for (int depth = 0; depth < prefixLength; depth++)
            {
                int bit = (int)((network >> (127 - depth)) & 1);
                if (depth == prefixLength - 1)
                {
                    node.Children[bit] = null;
                    node.Data[bit] = dataOffset;
                    return;
                }

                if (node.Children[bit] is null)
                {
                    // Splitting a broader network: both halves keep its data until something more specific lands.
                    int? inherited = node.Data[bit];
                    var child = new TreeNode();
                    child.Data[0] = child.Data[1] = inherited;
                    node.Children[bit] = child;
                    node.Data[bit] = null;
                }

                node = node.Children[bit]!;
            }
        }
    }

    public override string ToString() => $"{DatabaseType} ({_networks.Count} networks)";
}
