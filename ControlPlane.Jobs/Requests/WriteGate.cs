namespace ControlPlane.Jobs.Requests;

/// <summary>
/// Serialises this process's bulk writers (request group commits, telemetry batches). SQLite allows one writer; two
/// writers in one process would otherwise meet at SQLite's busy handler, which waits by sleeping and adds latency.
/// </summary>
public sealed class WriteGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> write)
    {
        await _gate.WaitAsync();
        try
        {
            return await write();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RunAsync(Func<Task> write) => RunAsync(async () => { await write(); return true; });

    /// <summary>For a writer on a thread of its own whose database calls are synchronous.</summary>
    public void Run(Action write)
    {
        _gate.Wait();
        try
        {
            write();
        }
        finally
        {
            _gate.Release();
        }
    }
}
