using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ControlPlane.Domain.Persistence;

/// <summary>
/// <c>synchronous=NORMAL</c> on every connection: in WAL mode a commit then survives a crash of the process (the API's
/// promise "stored before the reply"), and only an OS crash or power loss may drop the last commits; it saves an fsync
/// per commit, which is what limits request intake on SQLite. PostgreSQL deployments are unaffected.
/// <c>wal_autocheckpoint</c> is raised from 1,000 to 10,000 pages: <see cref="WalCheckpointer"/> checkpoints off the
/// commit path, and SQLite's own checkpoint inside a commit only remains as a backstop.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// For connections opened outside EF too (the request writer's own connection). The settings belong to the native
    /// connection, which the pool hands out again and again: they are set once per native connection, not on every open.
    /// </summary>
    public static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && !Applied.TryGetValue(handle, out _))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000;";
            command.ExecuteNonQuery();
            Applied.AddOrUpdate(handle, Marker);
        }
    }

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Applied = new();
    private static readonly object Marker = new();
}
