using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// The usage flush's one statement, prepared once and reused for every row: <c>INSERT … ON CONFLICT (Account, Pool,
/// Day, Outcome) DO UPDATE SET Requests = Requests + excluded.Requests, …</c> (SQLite and PostgreSQL both speak it),
/// so counts from several instances add up instead of overwriting each other. Built from the EF model like
/// <c>StickySessionWrites</c>.
/// </summary>
internal sealed class UsageWrites
{
    private readonly string _upsert;
    private readonly (string Name, RelationalTypeMapping Mapping)[] _columns;

    private UsageWrites(string upsert, (string Name, RelationalTypeMapping Mapping)[] columns)
    {
        _upsert = upsert;
        _columns = columns;
    }

    public static UsageWrites Create(ProxyRotatorDbContext db)
    {
        IEntityType entity = db.Model.FindEntityType(typeof(AccountUsageEntity)) ?? throw new InvalidOperationException("AccountUsageEntity is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();
        IProperty Property(string name) => entity.FindProperty(name) ?? throw new InvalidOperationException($"AccountUsageEntity.{name} is not mapped.");
        string Column(string name) => sql.DelimitIdentifier(Property(name).GetColumnName(table)!);

        string[] names =
        [
            nameof(AccountUsageEntity.Account), nameof(AccountUsageEntity.Pool), nameof(AccountUsageEntity.Day), nameof(AccountUsageEntity.Outcome),
            nameof(AccountUsageEntity.Requests), nameof(AccountUsageEntity.BytesUp), nameof(AccountUsageEntity.BytesDown),
        ];
        string tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        string upsert = $"""
            INSERT INTO {tableName} ({string.Join(", ", names.Select(Column))})
            VALUES ({string.Join(", ", names.Select(sql.GenerateParameterNamePlaceholder))})
            ON CONFLICT ({string.Join(", ", names.Take(4).Select(Column))}) DO UPDATE SET {string.Join(", ", names.Skip(4).Select(n => $"{Column(n)} = {tableName}.{Column(n)} + excluded.{Column(n)}"))}
            """;
        return new UsageWrites(upsert, [.. names.Select(n => (n, Property(n).GetRelationalTypeMapping()))]);
    }

    public DbCommand CreateUpsert(ProxyRotatorDbContext db)
    {
        DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = _upsert;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();
        foreach ((string name, RelationalTypeMapping mapping) in _columns)
        {
            command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name), null, nullable: false));
        }

        return command;
    }

    public async Task AddAsync(DbCommand command, UsageKey key, UsageCounts counts, CancellationToken cancellationToken)
    {
        Set(command, 0, key.Account);
        Set(command, 1, key.Pool);
        Set(command, 2, key.Day);
        Set(command, 3, key.Outcome);
        Set(command, 4, counts.Requests);
        Set(command, 5, counts.BytesUp);
        Set(command, 6, counts.BytesDown);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Set(DbCommand command, int index, object value)
    {
        RelationalTypeMapping mapping = _columns[index].Mapping;
        command.Parameters[index].Value = mapping.Converter?.ConvertToProvider(value) ?? value;
    }
}
