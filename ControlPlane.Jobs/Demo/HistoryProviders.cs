using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Demo;

/// <summary>A stretch of time in which one provider's real-time calls fail far more often than usual.</summary>
public sealed record ProviderIncident(string Provider, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Share of real-time calls that fail during an incident.</summary>
    public const double ErrorRate = 0.8;

    /// <summary>
    /// A few incidents over the period (about one a week, one to two and a half hours, mostly at the busiest provider), drawn from
    /// <paramref name="random"/> so the same seed gives the same month.
    /// </summary>
    public static IReadOnlyList<ProviderIncident> Draw(DateTimeOffset from, DateTimeOffset to, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        string[] providers = [ProviderIds.OpenAI, ProviderIds.OpenAI, ProviderIds.Gemini, ProviderIds.Anthropic];
        var days = (to - from).TotalDays;
        var count = days < 3 ? 0 : Math.Max(1, (int)Math.Round(days / 7));
        var incidents = new List<ProviderIncident>(count);
        for (var i = 0; i < count; i++)
        {
            // One incident per stretch of the period, in daytime UTC, so each lands on visible traffic.
            var stretch = (to - from) / count;
            var day = from + stretch * i + TimeSpan.FromDays(Math.Floor(random.NextDouble() * Math.Max(1, stretch.TotalDays - 1)));
            var start = new DateTimeOffset(day.UtcDateTime.Date, TimeSpan.Zero).AddHours(9 + random.NextDouble() * 9);
            var length = TimeSpan.FromMinutes(60 + random.Next(91));
            incidents.Add(new ProviderIncident(providers[random.Next(providers.Length)], start, start + length));
        }
        return incidents;
    }
}

/// <summary>
/// The providers of the demo history: always the Simulator (history never calls a real provider, whatever is
/// configured), with the configured error rates, except during <see cref="ProviderIncident"/>s, when the affected
/// provider's Simulator fails <see cref="ProviderIncident.ErrorRate"/> of its real-time calls. Both Simulators share
/// the batch files, so a batch is the same batch whichever one is asked.
/// </summary>
internal sealed class HistoryProviders : IProviderRegistry
{
    private readonly ProviderRegistry _usual;
    private readonly ProviderRegistry _incident;
    private readonly IReadOnlyList<ProviderIncident> _incidents;
    private readonly TimeProvider _clock;

    public HistoryProviders(IOptions<SimulatorOptions> simulator, DataPaths dataPaths, TimeProvider clock, IReadOnlyList<ProviderIncident> incidents)
    {
        _usual = new ProviderRegistry([], simulator, dataPaths, clock);
        _incident = new ProviderRegistry([], Options.Create(Copy(simulator.Value, ProviderIncident.ErrorRate)), dataPaths, clock);
        _incidents = incidents;
        _clock = clock;
    }

    public IReadOnlyList<IInferenceProvider> All => _usual.All;

    public IInferenceProvider Get(string provider)
    {
        var now = _clock.GetUtcNow();
        foreach (var incident in _incidents)
        {
            if (now >= incident.From && now < incident.To && string.Equals(incident.Provider, provider, StringComparison.OrdinalIgnoreCase))
            {
                return _incident.Get(provider);
            }
        }
        return _usual.Get(provider);
    }

    private static SimulatorOptions Copy(SimulatorOptions o, double errorRate) => new()
    {
        Seed = o.Seed,
        RealtimeLatencyMedianMs = o.RealtimeLatencyMedianMs,
        RealtimeLatencySigma = o.RealtimeLatencySigma,
        RealtimeErrorRate = errorRate,
        RateLimitedShare = o.RateLimitedShare,
        ServerErrorShare = o.ServerErrorShare,
        TimeoutShare = o.TimeoutShare,
        RetryAfter = o.RetryAfter,
        BatchTurnaround = o.BatchTurnaround,
        BatchWindow = o.BatchWindow,
        BatchItemFailureRate = o.BatchItemFailureRate,
        BatchStallRate = o.BatchStallRate,
        BatchExpiryRate = o.BatchExpiryRate,
        StandInForUnconfiguredProviders = true,
    };

    /// <summary>The Simulator settings of the history: the configured ones, with batches timed like a real provider's.</summary>
    public static SimulatorOptions ForHistory(SimulatorOptions configured, TimeSpan batchTurnaround, TimeSpan batchWindow)
    {
        var options = Copy(configured, configured.RealtimeErrorRate);
        options.BatchTurnaround = batchTurnaround;
        options.BatchWindow = batchWindow;
        return options;
    }
}
