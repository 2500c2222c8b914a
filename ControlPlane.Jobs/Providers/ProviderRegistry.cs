using System.Collections.Concurrent;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Providers;

/// <summary>
/// Finds the provider instance for a provider id: the real adapter when one is registered, else the Simulator
/// standing in for it (when allowed). The id "simulator" is always served by the Simulator.
/// </summary>
public sealed class ProviderRegistry(
    IEnumerable<IInferenceProvider> adapters,
    IOptions<SimulatorOptions> options,
    DataPaths dataPaths,
    TimeProvider timeProvider) : IProviderRegistry
{
    private readonly Dictionary<string, IInferenceProvider> _adapters = IndexAdapters(adapters);
    private readonly ConcurrentDictionary<string, SimulatedProvider> _simulated = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One instance per provider id in <see cref="ProviderIds.All"/>; ids refused by <see cref="Get"/> are left out.</summary>
    public IReadOnlyList<IInferenceProvider> All =>
        [.. ProviderIds.All.Select(TryGet).OfType<IInferenceProvider>()];

    public IInferenceProvider Get(string provider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        if (!ProviderIds.All.Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            throw new DomainException($"'{provider}' is not a known provider; use one of {string.Join(", ", ProviderIds.All)}.");
        }
        return TryGet(provider) ?? throw new DomainException(
            $"{ProviderIds.DisplayName(provider)} has no connection configured, and the Simulator may not stand in for it " +
            $"({SimulatorOptions.SectionName}:{nameof(SimulatorOptions.StandInForUnconfiguredProviders)} is false).");
    }

    private IInferenceProvider? TryGet(string provider)
    {
        if (_adapters.TryGetValue(provider, out var adapter))
        {
            return adapter;
        }
        var simulatorAllowed = options.Value.StandInForUnconfiguredProviders ||
            string.Equals(provider, ProviderIds.Simulator, StringComparison.OrdinalIgnoreCase);
        return simulatorAllowed
            ? _simulated.GetOrAdd(provider.ToLowerInvariant(), id => new SimulatedProvider(id, options.Value, dataPaths, timeProvider))
            : null;
    }

    private static Dictionary<string, IInferenceProvider> IndexAdapters(IEnumerable<IInferenceProvider> adapters)
    {
        var index = new Dictionary<string, IInferenceProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var adapter in adapters)
        {
            if (!index.TryAdd(adapter.Provider, adapter))
            {
                throw new InvalidOperationException($"Two adapters are registered for provider '{adapter.Provider}'.");
            }
        }
        return index;
    }
}
