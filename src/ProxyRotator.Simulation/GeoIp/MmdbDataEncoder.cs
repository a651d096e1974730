using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace ProxyRotator.Simulation.GeoIp;

/// <summary>
/// Encodes values in the MaxMind DB data-section format: a control byte (type in the top three bits, size in
/// the low five, extended types in the following byte), size extension bytes, then the big-endian payload.
/// </summary>
internal static class MmdbDataEncoder
{
    private const int Utf8String = 2;
    private const int Double = 3;
    private const int Bytes = 4;
    private const int UInt16 = 5;
    private const int UInt32 = 6;
    private const int Map = 7;
    private const int Int32 = 8;
    private const int UInt64 = 9;
    private const int Array = 11;
    private const int Boolean = 14;

    public static byte[] Encode(object value)
    {
        var output = new MemoryStream();
        Write(output, value);
        return output.ToArray();
    }

    /// <summary>Writes a value; unsigned types keep their width (metadata readers rely on uint16/uint32/uint64).</summary>
    public static void Write(Stream output, object value)
    {
        switch (value)
        {
            case string text:
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                WriteControl(output, Utf8String, utf8.Length);
                output.Write(utf8);
                break;
            case bool flag:
                WriteControl(output, Boolean, flag ? 1 : 0);
                break;
            case double number:
                WriteControl(output, Double, 8);
                Span<byte> eight = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(eight, number);
                output.Write(eight);
                break;
            case ushort u16:
                WriteUnsigned(output, UInt16, u16);
                break;
            case uint u32:
                WriteUnsigned(output, UInt32, u32);
                break;
            case ulong u64:
                WriteUnsigned(output, UInt64, u64);
                break;
            case int i32 when i32 >= 0:
                WriteUnsigned(output, UInt32, (uint)i32);
                break;
            case int i32:
                WriteControl(output, Int32, 4);
                Span<byte> four = stackalloc byte[4];
                BinaryPrimitives.WriteInt32BigEndian(four, i32);
                output.Write(four);
                break;
            case long i64 when i64 >= 0:
                WriteUnsigned(output, UInt64, (ulong)i64);
                break;
            case byte[] raw:
                WriteControl(output, Bytes, raw.Length);
                output.Write(raw);
                break;
            case IDictionary map:
                WriteControl(output, Map, map.Count);
                foreach (DictionaryEntry entry in map)
                {
                    Write(output, (string)entry.Key);
                    Write(output, entry.Value ?? throw new ArgumentException($"Null value for key '{entry.Key}'."));
                }

                break;
            case IEnumerable items:
                object[] elements = [.. items.Cast<object>()];
                WriteControl(output, Array, elements.Length);
                foreach (object element in elements)
                {
                    Write(output, element);
                }

                break;
            default:
                throw new ArgumentException($"MMDB cannot hold a value of type {value.GetType().Name}.");
        }
    }

    private static void WriteUnsigned(Stream output, int type, ulong value)
    {
        int length = 0;
        for (ulong rest = value; rest != 0; rest >>= 8)
        {
            length++;
        }

        WriteControl(output, type, length);
        for (int i = length - 1; i >= 0; i--)
        {
            output.WriteByte((byte)(value >> (8 * i)));
        }
    }

    private static void WriteControl(Stream output, int type, int size)
    {
        int sizeBits;
        int extraBytes;
        int extra;
        if (size < 29)
        {
            (sizeBits, extraBytes, extra) = (size, 0, 0);
        }
        else if (size < 285)
        {
            (sizeBits, extraBytes, extra) = (29, 1, size - 29);
        }
        else if (size < 65_821)
        {
            (sizeBits, extraBytes, extra) = (30, 2, size - 285);
        }
        else
        {
            (sizeBits, extraBytes, extra) = (31, 3, size - 65_821);
        }

        if (type <= 7)
        {
            output.WriteByte((byte)((type << 5) | sizeBits));
        }
        else
        {
            output.WriteByte((byte)sizeBits);
            output.WriteByte((byte)(type - 7));
        }

        for (int i = extraBytes - 1; i >= 0; i--)
        {
            output.WriteByte((byte)(extra >> (8 * i)));
        }
    }
}
