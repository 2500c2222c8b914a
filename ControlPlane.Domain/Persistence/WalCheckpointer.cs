using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Domain.Persistence;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file once a second on a thread of its own. Left to SQLite,
/// the commit that fills the log past its limit runs the checkpoint itself, with two fsyncs, while holding the single
/// write lock, so every API call waiting on a commit stalls behind it (tens to hundreds of milliseconds on a busy
/// disk). A passive checkpoint here takes no write lock: writers keep appending while it runs. SQLite's own automatic
/// checkpoint stays as a backstop at a higher limit (<see cref="SqlitePragmas"/>) for processes that do not run this.
/// </summary>
public sealed class WalCheckpointer(string connectionString, ILogger<WalCheckpointer> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Thread? _thread;
    private bool _disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite WAL checkpoint" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        lock (_stopping)
        {
            if (!_disposed)
            {
                _stopping.Cancel();
            }
        }
        _thread?.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        while (!_stopping.Token.WaitHandle.WaitOne(Interval))
        {
            try
            {
                CheckpointOnce();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "SQLite WAL checkpoint failed; SQLite's automatic checkpoint remains as a backstop");
            }
        }
    }

    /// <summary>One passive checkpoint; returns the pages in the log and how many of them are now in the database.</summary>
    public (long LogPages, long Checkpointed) CheckpointOnce()
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    public void Dispose()
    {
        // A host may dispose its services without stopping them first.
        Stop();
        lock (_stopping)
        {
            _disposed = true;
            _stopping.Dispose();
        }
    }
}
