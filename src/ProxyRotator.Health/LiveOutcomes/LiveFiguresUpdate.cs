using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ProxyRotator.Health.Scoring;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Health.LiveOutcomes;

/// <summary>
/// The set-based write of one upstream's live figures: one UPDATE that adds the counts in SQL (so a concurrent write
/// to the row cannot lose any), moves the last use forward only and sets the score figures. It leaves UpdatedAt alone on purpose: live figures
/// are runtime state (the selector gets them in memory), not a membership or tag change that should make the
/// snapshot refresher rebuild. Nothing is loaded or tracked.
/// <para>
/// The statement is plain standard SQL built once from the EF model — table and column names, the provider's
/// identifier quoting and parameter syntax, and each column's value converter (times are stored as UTC ticks) — so
/// it follows the mapping and runs on SQLite and PostgreSQL alike. It runs as one ADO.NET command reused for every
/// row of a batch, because EF's <c>ExecuteUpdate</c> costs about 15 times as much per row here (it rebuilds and
/// funcletizes the setter expression trees on every call): see LiveOutcomeWriteBenchmarks.
/// </para>
/// </summary>
internal sealed class LiveFiguresUpdate
{
    // Parameter order in every command this creates.
    private const int IdParameter = 0, RequestsParameter = 1, FailuresParameter = 2, ScoreParameter = 3,
        SuccessRateParameter = 4, LatencyParameter = 5, LastUsedAtParameter = 6;

    private readonly string _sql;
    private readonly (string Name, RelationalTypeMapping Mapping)[] _parameters;

    private LiveFiguresUpdate(string sql, (string Name, RelationalTypeMapping Mapping)[] parameters)
    {
        _sql = sql;
        _parameters = parameters;
    }

    public static LiveFiguresUpdate Create(ProxyRotatorDbContext db)
    {
        IEntityType entity = db.Model.FindEntityType(typeof(UpstreamEntity))
            ?? throw new InvalidOperationException("UpstreamEntity is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();

        IProperty Property(string name) => entity.FindProperty(name) ?? throw new InvalidOperationException($"UpstreamEntity.{name} is not mapped.");
        string Column(string name) => sql.DelimitIdentifier(Property(name).GetColumnName(table)!);
        string Placeholder(string name) => sql.GenerateParameterNamePlaceholder(name);

        (string, RelationalTypeMapping)[] parameters =
        [
            ("id", Property(nameof(UpstreamEntity.Id)).GetRelationalTypeMapping()),
            ("requests", Property(nameof(UpstreamEntity.TotalRequests)).GetRelationalTypeMapping()),
            ("failures", Property(nameof(UpstreamEntity.TotalFailures)).GetRelationalTypeMapping()),
            ("score", Property(nameof(UpstreamEntity.Score)).GetRelationalTypeMapping()),
            ("successRate", Property(nameof(UpstreamEntity.SuccessRate)).GetRelationalTypeMapping()),
            ("latencyMs", Property(nameof(UpstreamEntity.LatencyMs)).GetRelationalTypeMapping()),
            ("lastUsedAt", Property(nameof(UpstreamEntity.LastUsedAt)).GetRelationalTypeMapping()),
        ];

        string requests = Column(nameof(UpstreamEntity.TotalRequests));
        string failures = Column(nameof(UpstreamEntity.TotalFailures));
        string lastUsed = Column(nameof(UpstreamEntity.LastUsedAt));
        string used = Placeholder("lastUsedAt");
        // The times compare as stored (UTC ticks), which orders them as instants. A NULL @lastUsedAt keeps the
        // column: a NULL column stays NULL, and a comparison with NULL is not true, so ELSE keeps the stored value.
        string text = $"""
            UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)}
            SET {requests} = {requests} + {Placeholder("requests")},
                {failures} = {failures} + {Placeholder("failures")},
                {Column(nameof(UpstreamEntity.Score))} = {Placeholder("score")},
                {Column(nameof(UpstreamEntity.SuccessRate))} = {Placeholder("successRate")},
                {Column(nameof(UpstreamEntity.LatencyMs))} = {Placeholder("latencyMs")},
                {lastUsed} = CASE WHEN {lastUsed} IS NULL OR {lastUsed} < {used} THEN {used} ELSE {lastUsed} END
            WHERE {Column(nameof(UpstreamEntity.Id))} = {Placeholder("id")}
            """;
        return new LiveFiguresUpdate(text, parameters);
    }

    /// <summary>A command for the rows of one batch, on the context's connection and its current transaction.</summary>
    public DbCommand CreateCommand(ProxyRotatorDbContext db)
    {
        DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = _sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();
        foreach ((string name, RelationalTypeMapping mapping) in _parameters)
        {
            command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName(name), null, nullable: true));
        }

        return command;
    }

    /// <summary>Writes one upstream's figures with a command from <see cref="CreateCommand"/>; false when the row is gone.</summary>
    public async Task<bool> ExecuteAsync(
        DbCommand command, long id, LiveTally tally, ScoreFigures figures, CancellationToken cancellationToken)
    {
        Set(command, IdParameter, id);
        Set(command, RequestsParameter, tally.Requests);
        Set(command, FailuresParameter, tally.Failures);
        Set(command, ScoreParameter, figures.Score);
        Set(command, SuccessRateParameter, figures.SuccessRate);
        Set(command, LatencyParameter, figures.LatencyMs);
        Set(command, LastUsedAtParameter, tally.LastUsedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private void Set(DbCommand command, int index, object? value)
    {
        RelationalTypeMapping mapping = _parameters[index].Mapping;
        command.Parameters[index].Value = value is null ? DBNull.Value : mapping.Converter?.ConvertToProvider(value) ?? value;
    }
}
