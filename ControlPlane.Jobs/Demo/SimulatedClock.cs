namespace ControlPlane.Jobs.Demo;

/// <summary>
/// A clock the demo history moves by hand. Work runs in <em>flows</em> (<see cref="RunAsync"/>): each flow starts at a
/// given instant and keeps its own time, so requests served side by side do not add up each other's latency.
/// Inside a flow a wait (<c>Task.Delay</c>: the Simulator's latency, the executor's backoff) passes at once: the flow's
/// time jumps by the wait and the delay completes, so simulated latency is recorded without any real delay. Other
/// timers (a <c>CancellationTokenSource</c> timeout) fire only when their flow's time passes them. Outside a flow,
/// time moves only with <see cref="AdvanceTo"/>, which fires the timers it passes.
/// </summary>
/// <remarks>
/// Parallel branches of one flow share its time (the promoted dispatch's workers see each other's waits, as if they
/// had run one after another); start separate flows for work that should overlap in simulated time.
/// </remarks>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private readonly AsyncLocal<Timeline?> _flow = new();
    private readonly Timeline _global = new(start);

    /// <summary>The time outside any flow.</summary>
    public DateTimeOffset Now => _global.Now;

    public override DateTimeOffset GetUtcNow() => (_flow.Value ?? _global).Now;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Moves the time outside flows forward (never back) and fires the timers it passes.</summary>
    public void AdvanceTo(DateTimeOffset instant) => _global.AdvanceTo(instant);

    /// <summary>Runs <paramref name="work"/> in a new flow whose time starts at <paramref name="at"/>.</summary>
    public async Task RunAsync(DateTimeOffset at, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        // Set inside this async method: the flow reaches everything work() awaits, and ends when this method returns.
        _flow.Value = new Timeline(at);
        await work();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timeline = _flow.Value ?? _global;
        var timer = new SimulatedTimer(timeline, callback, state, waitPassesAtOnce: _flow.Value is not null && state is Task);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>One flow's time (or the time outside flows) and the timers waiting on it.</summary>
    private sealed class Timeline(DateTimeOffset start)
    {
        private readonly Lock _lock = new();
        private readonly List<SimulatedTimer> _timers = [];
        private DateTimeOffset _now = start;

        public DateTimeOffset Now
        {
            get
            {
                lock (_lock)
                {
                    return _now;
                }
            }
        }

        public void Schedule(SimulatedTimer timer)
        {
            lock (_lock)
            {
                _timers.Remove(timer);
                if (timer.DueAt is not null)
                {
                    _timers.Add(timer);
                }
            }
        }

        public void Unschedule(SimulatedTimer timer)
        {
            lock (_lock)
            {
                _timers.Remove(timer);
            }
        }

        /// <summary>Moves forward to <paramref name="instant"/>, firing every timer due by then in time order.</summary>
        public void AdvanceTo(DateTimeOffset instant)
        {
            while (true)
            {
                SimulatedTimer? next;
                lock (_lock)
                {
                    next = _timers.Where(t => t.DueAt <= instant).MinBy(t => t.DueAt);
                    if (next is null)
                    {
                        if (instant > _now)
                        {
                            _now = instant;
                        }
                        return;
                    }
                    if (next.DueAt > _now)
                    {
                        _now = next.DueAt!.Value;
                    }
                    _timers.Remove(next);
                }
                next.Fire();
            }
        }
    }

    private sealed class SimulatedTimer(Timeline timeline, TimerCallback callback, object? state, bool waitPassesAtOnce) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }
            _period = period;
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : timeline.Now + dueTime;
            if (DueAt is { } due && waitPassesAtOnce && period == Timeout.InfiniteTimeSpan)
            {
                // A one-off wait of the flow: its time moves on to the end of the wait (firing any timeout passed on
                // the way), and the wait completes off this thread, after the caller has stored the timer.
                DueAt = null;
                timeline.AdvanceTo(due);
                ThreadPool.UnsafeQueueUserWorkItem(s => callback(s), state, preferLocal: false);
                return true;
            }
            timeline.Schedule(this);
            return true;
        }

        public void Fire()
        {
            var firedAt = DueAt;
            DueAt = null;
            if (_disposed || firedAt is null)
            {
                return;
            }
            callback(state);
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan && !_disposed)
            {
                DueAt = firedAt + _period;
                timeline.Schedule(this);
            }
        }

        public void Dispose()
        {
            _disposed = true;
            DueAt = null;
            timeline.Unschedule(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
