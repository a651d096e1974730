namespace ProxyRotator.Store;

/// <summary>The database engine behind the store.</summary>
public enum StoreProvider
{
    /// <summary>An embedded SQLite file: the zero-setup default, for one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: the store several instances share.</summary>
    PostgreSql,
}
