using System.Collections.Concurrent;

namespace ControlPlane.Jobs.Scheduling;

/// <summary>
/// Keeps a recurring job from overlapping itself in this process: Hangfire fires the next tick even while the last
/// one runs. A run that finds the gate taken returns at once; the next tick comes soon. Across instances the jobs'
/// own guarded updates keep overlapping runs correct, this only saves the wasted work.
/// </summary>
public sealed class RecurringRunGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    public IDisposable? TryEnter(string name)
    {
        var gate = _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        return gate.Wait(0) ? new Release(gate) : null;
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
