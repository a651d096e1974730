using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ProxyRotator.Store.Infrastructure;

/// <summary>
/// Stores <see cref="DateTimeOffset"/> as UTC ticks (a 64-bit integer). SQLite cannot compare or order
/// <see cref="DateTimeOffset"/> columns in EF queries; an integer compares and sorts the same on every database,
/// so queries such as <c>NextCheckAt &lt;= now</c> translate everywhere. Values come back with offset zero.
/// </summary>
internal sealed class UtcTicksConverter : ValueConverter<DateTimeOffset, long>
{
    public UtcTicksConverter()
        : base(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero))
    {
    }
}
