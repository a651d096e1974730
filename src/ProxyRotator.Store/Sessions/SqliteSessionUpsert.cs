using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Infrastructure;
using SQLitePCL;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// SQLite only: the one-row session upsert of <see cref="StickySessionWrites"/> prepared once on the open connection's
/// own handle and run row by row, its parameters bound by position. A new session per request writes thousands of rows
/// a second next to the traffic; through <see cref="SqliteCommand"/> each execution looked every parameter up by name
/// (a UTF-8 copy of each name), made a data reader and went through the command's statement loop, which cost three
/// times SQLite's own work per row. The values are the same: each column goes through the EF mapping's converter first,
/// except where that conversion is known: a column without a converter and a <see cref="UtcTicksConverter"/> time are
/// bound from the session's own fields, and the mode's few stored values are converted once, so a row boxes nothing.
/// Runs inside the caller's transaction on the same connection; disposing finalizes the statement.
/// </summary>
internal sealed class SqliteSessionUpsert : IDisposable
{
    // Columns in the order of StickySessionWrites.ProviderValue.
    private const int ModeColumn = 3;
    private const int CreatedAtColumn = 4;
    private const int LastUsedAtColumn = 6;

    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _statement;
    private readonly StickySessionWrites _writes;
    private readonly int[] _parameters;
    private readonly bool[] _direct;
    private readonly object?[] _modes;

    private SqliteSessionUpsert(sqlite3 connection, sqlite3_stmt statement, StickySessionWrites writes, int[] parameters)
    {
        _connection = connection;
        _statement = statement;
        _writes = writes;
        _parameters = parameters;
        _direct = new bool[parameters.Length];
        for (int column = 0; column < _direct.Length; column++)
        {
            ValueConverter? converter = writes.ConverterOf(column);
            _direct[column] = column switch
            {
                ModeColumn => false,
                >= CreatedAtColumn and <= LastUsedAtColumn => converter is UtcTicksConverter,
                _ => converter is null,
            };
        }

        SessionMode[] modes = Enum.GetValues<SessionMode>();
        _modes = new object?[modes.Max(m => (int)m) + 1];
        foreach (SessionMode mode in modes)
        {
            _modes[(int)mode] = writes.ProviderValue(ModeColumn, new StickySession
            {
                Account = string.Empty, SessionId = string.Empty, UpstreamId = 0, CreatedAt = default, ExpiresAt = default, Mode = mode,
            });
        }
    }


    /// <summary>Prepares the upsert on <paramref name="connection"/> (open), or returns null for another provider.</summary>
    public static SqliteSessionUpsert? TryPrepare(System.Data.Common.DbConnection connection, StickySessionWrites writes)
    {
        if (connection is not SqliteConnection { Handle: { } handle })
        {
            return null;
        }

        int rc = raw.sqlite3_prepare_v2(handle, writes.UpsertOneSql, out sqlite3_stmt statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
        try
        {
            int[] parameters = new int[writes.ParameterNames.Count];
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = raw.sqlite3_bind_parameter_index(statement, writes.ParameterNames[i]);
                if (parameters[i] == 0)
                {
                    throw new InvalidOperationException($"The session upsert has no parameter {writes.ParameterNames[i]}.");
                }
            }

            return new SqliteSessionUpsert(handle, statement, writes, parameters);
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    /// <summary>Inserts the session, or updates the row stored under its (account, session id).</summary>
    public void Write(StickySession session)
    {
        try
        {
            for (int column = 0; column < _parameters.Length; column++)
            {
                Check(BindColumn(column, session));
            }

            int rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private int BindColumn(int column, StickySession session)
    {
        int index = _parameters[column];
        if (!_direct[column])
        {
            int mode = (int)session.Mode;
            return column == ModeColumn && (uint)mode < (uint)_modes.Length && _modes[mode] is { } stored
                ? Bind(index, stored)
                : Bind(index, _writes.ProviderValue(column, session));
        }

        return column switch
        {
            0 => raw.sqlite3_bind_text16(_statement, index, session.Account.AsSpan()),
            1 => raw.sqlite3_bind_text16(_statement, index, session.SessionId.AsSpan()),
            2 => raw.sqlite3_bind_int64(_statement, index, session.UpstreamId),
            4 => raw.sqlite3_bind_int64(_statement, index, session.CreatedAt.UtcTicks),
            5 => raw.sqlite3_bind_int64(_statement, index, session.ExpiresAt.UtcTicks),
            6 => raw.sqlite3_bind_int64(_statement, index, session.LastUsedAt.UtcTicks),
            7 => session.ExitIp is { } exitIp ? raw.sqlite3_bind_text16(_statement, index, exitIp.AsSpan()) : raw.sqlite3_bind_null(_statement, index),
            8 => raw.sqlite3_bind_int64(_statement, index, session.VendorEpoch),
            _ => Bind(index, _writes.ProviderValue(column, session)),
        };
    }

    private int Bind(int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(_statement, index),
        string text => raw.sqlite3_bind_text16(_statement, index, text.AsSpan()),
        long number => raw.sqlite3_bind_int64(_statement, index, number),
        int number => raw.sqlite3_bind_int64(_statement, index, number),
        _ => throw new InvalidOperationException($"A session column's stored value is a {value.GetType().Name}, which this upsert does not bind."),
    };

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection);
}
