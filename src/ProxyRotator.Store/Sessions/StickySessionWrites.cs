using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// The statements of a session flush, each a command reused for every row of a batch: an upsert of
/// <see cref="RowsPerUpsert"/> rows at once (<c>INSERT … VALUES (…), (…) ON CONFLICT (Account, SessionId) DO
/// UPDATE</c>, which SQLite and PostgreSQL both speak; a batch holds each session once, as PostgreSQL requires), the
/// same for one row (the remainder), a delete by key, and, for several instances on PostgreSQL, the first-writer-wins
/// bind of a new session and a look-up by key. Built once from the EF model (names, quoting, parameter syntax, value converters), so it follows
/// the mapping. A new session per request at thousands per second made EF's tracked SaveChanges the costliest
/// part of the write-behind; this keeps the flush's CPU small beside the traffic it runs next to. On SQLite the
/// one-row upsert runs through <see cref="SqliteSessionUpsert"/> instead of these commands.
/// </summary>
internal sealed class StickySessionWrites
{
    /// <summary>
    /// Rows per multi-row upsert: one statement execution instead of 32 (a new session per request writes thousands
    /// of rows a second beside the traffic; per-statement overhead was most of the flush's CPU). 256 parameters.
    /// </summary>
    public const int RowsPerUpsert = 32;

    private readonly string _upsert;
    private readonly string _upsertMany;
    private readonly string _delete;
    private readonly string _bind;
    private readonly string _find;
    private readonly (string Name, RelationalTypeMapping Mapping)[] _columns;

    private StickySessionWrites(
        string upsert, string upsertMany, string delete, string bind, string find, (string Name, RelationalTypeMapping Mapping)[] columns, string[] parameterNames)
    {
        _upsert = upsert;
        _upsertMany = upsertMany;
        _delete = delete;
        _bind = bind;
        _find = find;
        _columns = columns;
        ParameterNames = parameterNames;
    }

    /// <summary>The upsert of one row (<see cref="SqliteSessionUpsert"/> prepares it on SQLite's own handle).</summary>
    public string UpsertOneSql => _upsert;

    /// <summary>The parameter names of the one-row upsert, in column order (the order of <see cref="ProviderValue"/>).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    public static StickySessionWrites Create(ProxyRotatorDbContext db)
    {
        IEntityType entity = db.Model.FindEntityType(typeof(StickySessionEntity))
            ?? throw new InvalidOperationException("StickySessionEntity is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();

        IProperty Property(string name) => entity.FindProperty(name) ?? throw new InvalidOperationException($"StickySessionEntity.{name} is not mapped.");
        string Column(string name) => sql.DelimitIdentifier(Property(name).GetColumnName(table)!);
        string Placeholder(string name) => sql.GenerateParameterNamePlaceholder(name);

        // Order matters: the parameters of each command are bound by position in Set.
        string[] names =
        [
            nameof(StickySessionEntity.Account), nameof(StickySessionEntity.SessionId), nameof(StickySessionEntity.UpstreamId),
            nameof(StickySessionEntity.Mode), nameof(StickySessionEntity.CreatedAt), nameof(StickySessionEntity.ExpiresAt),
            nameof(StickySessionEntity.LastUsedAt), nameof(StickySessionEntity.ExitIp), nameof(StickySessionEntity.VendorEpoch),
        ];
        (string, RelationalTypeMapping)[] columns = [.. names.Select(n => (n, Property(n).GetRelationalTypeMapping()))];
        string tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        string key = $"{Column(names[0])}, {Column(names[1])}";
        string Upsert(int rows) => $"""
            INSERT INTO {tableName} ({string.Join(", ", names.Select(Column))})
            VALUES {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"({string.Join(", ", names.Select(n => Placeholder(n + r)))})"))}
            ON CONFLICT ({key}) DO UPDATE SET {string.Join(", ", names.Skip(2).Select(n => $"{Column(n)} = excluded.{Column(n)}"))}
            """;
        string byKey = $"{Column(names[0])} = {Placeholder(names[0] + "0")} AND {Column(names[1])} = {Placeholder(names[1] + "0")}";
        string delete = $"DELETE FROM {tableName} WHERE {byKey}";

        // First writer wins: a live row stays as it is (an expired one not yet swept counts as free), and the row that
        // holds after the insert is read back in the same round trip. The SELECT is a statement of its own, so under
        // READ COMMITTED it sees a winner that committed while the INSERT waited for it.
        string find = $"SELECT {string.Join(", ", names.Skip(2).Select(Column))} FROM {tableName} WHERE {byKey}";
        string bind = $"""
            {Upsert(1)}
            WHERE {tableName}.{Column(nameof(StickySessionEntity.ExpiresAt))} <= excluded.{Column(nameof(StickySessionEntity.CreatedAt))};
            {find}
            """;
        return new StickySessionWrites(
            Upsert(1), Upsert(RowsPerUpsert), delete, bind, find, columns, [.. names.Select(n => sql.GenerateParameterName(n + "0"))]);
    }

    /// <summary>The upsert of one row, or of <see cref="RowsPerUpsert"/> rows when <paramref name="many"/>.</summary>
    public DbCommand CreateUpsert(ProxyRotatorDbContext db, bool many = false) =>
        many ? CreateCommand(db, _upsertMany, RowsPerUpsert, _columns.Length) : CreateCommand(db, _upsert, 1, _columns.Length);

    public DbCommand CreateDelete(ProxyRotatorDbContext db) => CreateCommand(db, _delete, 1, 2);

    /// <summary>The insert-unless-bound statement followed by the read-back (PostgreSQL: several instances).</summary>
    public DbCommand CreateBind(ProxyRotatorDbContext db, StickySession session)
    {
        DbCommand command = CreateCommand(db, _bind, 1, _columns.Length);
        SetRow(command, 0, session);
        return command;
    }

    /// <summary>Reads one session by key.</summary>
    public DbCommand CreateFind(ProxyRotatorDbContext db, string account, string sessionId)
    {
        DbCommand command = CreateCommand(db, _find, 1, 2);
        Set(command, 0, 0, account);
        Set(command, 1, 1, sessionId);
        return command;
    }

    /// <summary>Runs a bind or find command: the session stored under the key, or null.</summary>
    public async Task<StickySession?> ReadSessionAsync(DbCommand command, string account, string sessionId, CancellationToken cancellationToken)
    {
        DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            do
            {
                if (reader.FieldCount == 0)
                {
                    continue;
                }

                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                return new StickySession
                {
                    Account = account,
                    SessionId = sessionId,
                    UpstreamId = Get<long>(reader, 0, 2),
                    Mode = Get<SessionMode>(reader, 1, 3),
                    CreatedAt = Get<DateTimeOffset>(reader, 2, 4),
                    ExpiresAt = Get<DateTimeOffset>(reader, 3, 5),
                    LastUsedAt = Get<DateTimeOffset>(reader, 4, 6),
                    ExitIp = reader.IsDBNull(5) ? null : Get<string>(reader, 5, 7),
                    VendorEpoch = Get<long>(reader, 6, 8),
                };
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            return null;
        }
    }

    /// <summary>Writes as many sessions as <paramref name="command"/> has rows, from <paramref name="sessions"/>.</summary>
    public async Task UpsertAsync(DbCommand command, ReadOnlyMemory<StickySession> sessions, CancellationToken cancellationToken)
    {
        for (int row = 0; row < sessions.Length; row++)
        {
            SetRow(command, row, sessions.Span[row]);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(DbCommand command, string account, string sessionId, CancellationToken cancellationToken)
    {
        Set(command, 0, 0, account);
        Set(command, 1, 1, sessionId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A session's value for <paramref name="column"/> as the database stores it (after the mapping's converter), or null.</summary>
    public object? ProviderValue(int column, StickySession session)
    {
        object? value = column switch
        {
            0 => session.Account,
            1 => session.SessionId,
            2 => session.UpstreamId,
            3 => session.Mode,
            4 => session.CreatedAt,
            5 => session.ExpiresAt,
            6 => session.LastUsedAt,
            7 => session.ExitIp,
            8 => session.VendorEpoch,
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };
        return value is null ? null : _columns[column].Mapping.Converter?.ConvertToProvider(value) ?? value;
    }

    /// <summary>The mapping's converter of <paramref name="column"/> (order of <see cref="ProviderValue"/>), or null.</summary>
    public ValueConverter? ConverterOf(int column) => _columns[column].Mapping.Converter;

    private void SetRow(DbCommand command, int row, StickySession session)
    {
        int first = row * _columns.Length;
        for (int column = 0; column < _columns.Length; column++)
        {
            command.Parameters[first + column].Value = ProviderValue(column, session) ?? DBNull.Value;
        }
    }

    private T Get<T>(DbDataReader reader, int ordinal, int column)
    {
        object value = reader.GetValue(ordinal);
        ValueConverter? converter = _columns[column].Mapping.Converter;
        return (T)(converter is null ? value : converter.ConvertFromProvider(value)!);
    }

    /// <summary>A command with <paramref name="columns"/> parameters per row, named column + row number.</summary>
    private DbCommand CreateCommand(ProxyRotatorDbContext db, string text, int rows, int columns)
    {
        DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();
        for (int row = 0; row < rows; row++)
        {
            for (int i = 0; i < columns; i++)
            {
                (string name, RelationalTypeMapping mapping) = _columns[i];
                command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name + row), null, nullable: true));
            }
        }

        return command;
    }

    private void Set(DbCommand command, int parameter, int column, object? value)
    {
        RelationalTypeMapping mapping = _columns[column].Mapping;
        command.Parameters[parameter].Value = value is null ? DBNull.Value : mapping.Converter?.ConvertToProvider(value) ?? value;
    }
}
