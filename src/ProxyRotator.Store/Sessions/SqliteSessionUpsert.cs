using Microsoft.Data.Sqlite;
using ProxyRotator.Core.Sessions;
using SQLitePCL;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// SQLite only: the one-row session upsert of <see cref="StickySessionWrites"/> prepared once on the open connection's
/// own handle and run row by row, its parameters bound by position. A new session per request writes thousands of rows
/// a second next to the traffic; through <see cref="SqliteCommand"/> each execution looked every parameter up by name
/// (a UTF-8 copy of each name), made a data reader and went through the command's statement loop, which cost three
/// times SQLite's own work per row. The values are the same: each column goes through the EF mapping's converter first.
/// Runs inside the caller's transaction on the same connection; disposing finalizes the statement.
/// </summary>
internal sealed class SqliteSessionUpsert : IDisposable
{
    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _statement;
    private readonly StickySessionWrites _writes;
    private readonly int[] _parameters;

    private SqliteSessionUpsert(sqlite3 connection, sqlite3_stmt statement, StickySessionWrites writes, int[] parameters)
    {
        _connection = connection;
        _statement = statement;
        _writes = writes;
        _parameters = parameters;
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
                Check(Bind(_parameters[column], _writes.ProviderValue(column, session)));
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
