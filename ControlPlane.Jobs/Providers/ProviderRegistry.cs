using System.Collections.Concurrent;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Providers;

/// <summary>
/// Finds the provider instance for a provider id, in this order: the adapter configured through the environment
/// (<c>ControlPlane:Providers:&lt;Name&gt;</c> — it wins, so an operator's deployment setting cannot be overridden from
/// the browser), then the enabled connection saved on the Providers page, then the Simulator standing in (when allowed).
/// The id "simulator" is always served by the Simulator.
/// </summary>
/// <remarks>
/// Saved connections are read from the database at most every <see cref="RefreshInterval"/> (other instances pick up
/// changes within it) and at once after <see cref="ConnectionChanged"/>; an adapter is rebuilt only when its
/// connection's <c>UpdatedAt</c> moved.
/// </remarks>
public sealed class ProviderRegistry(
    IEnumerable<IInferenceProvider> adapters,
    IOptions<SimulatorOptions> options,
    DataPaths dataPaths,
    TimeProvider timeProvider,
    IDbContextFactory<ControlPlaneDbContext>? database = null,
    IProviderSecretReader? secrets = null,
    ConnectionAdapterFactory? connectionAdapters = null,
    ILogger<ProviderRegistry>? logger = null) : IProviderRegistry, IProviderConnectionChanges
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, IInferenceProvider> _adapters = IndexAdapters(adapters);
    private readonly ConcurrentDictionary<string, SimulatedProvider> _simulated = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (Guid Id, DateTimeOffset UpdatedAt, IInferenceProvider? Adapter)> _fromConnections =
        new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger = logger ?? NullLogger<ProviderRegistry>.Instance;
    private readonly Lock _refreshLock = new();
    private IReadOnlyDictionary<string, ProviderConnection> _connections = new Dictionary<string, ProviderConnection>();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

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

    /// <summary>True when the environment configures this provider, so a saved connection is not used.</summary>
    public bool IsConfiguredByEnvironment(string provider) => _adapters.ContainsKey(provider);

    public void ConnectionChanged(string provider)
    {
        lock (_refreshLock)
        {
            _readAt = DateTimeOffset.MinValue;
        }
    }

    private IInferenceProvider? TryGet(string provider)
    {
        if (_adapters.TryGetValue(provider, out var adapter))
        {
            return adapter;
        }
        if (FromConnection(provider) is { } connected)
        {
            return connected;
        }
        var simulatorAllowed = options.Value.StandInForUnconfiguredProviders ||
            string.Equals(provider, ProviderIds.Simulator, StringComparison.OrdinalIgnoreCase);
        return simulatorAllowed
            ? _simulated.GetOrAdd(provider.ToLowerInvariant(), id => new SimulatedProvider(id, options.Value, dataPaths, timeProvider))
            : null;
    }

    private IInferenceProvider? FromConnection(string provider)
    {
        if (database is null || secrets is null || connectionAdapters is null || ConnectionSchema.For(provider.ToLowerInvariant()) is null)
        {
            return null;
        }
        if (!Connections().TryGetValue(provider, out var connection))
        {
            return null;
        }
        var cached = _fromConnections.GetValueOrDefault(provider);
        if (cached.Id == connection.Id && cached.UpdatedAt == connection.UpdatedAt)
        {
            return cached.Adapter;
        }
        var built = Build(connection);
        _fromConnections[provider] = (connection.Id, connection.UpdatedAt, built);
        return built;
    }

    /// <summary>A connection that cannot be built (its key ring was lost, a setting became invalid) is logged once per change and left to the Simulator.</summary>
    private IInferenceProvider? Build(ProviderConnection connection)
    {
        try
        {
            var secret = connection.ProtectedSecret is null ? null : secrets!.Reveal(connection.ProtectedSecret);
            return connectionAdapters!.Build(connection.Provider, ConnectionSchema.ParseSettings(connection.SettingsJson), secret);
        }
        catch (Exception ex) when (ex is System.ComponentModel.DataAnnotations.ValidationException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
        {
            // The exception type only: a CryptographicException's message never carries the secret, but stay safe.
            _logger.LogWarning("The saved {Provider} connection '{Name}' cannot be used ({Reason}); the Simulator stands in if allowed.",
                connection.Provider, connection.Name, ex.GetType().Name);
            return null;
        }
    }

    private IReadOnlyDictionary<string, ProviderConnection> Connections()
    {
        lock (_refreshLock)
        {
            var now = timeProvider.GetUtcNow();
            if (now - _readAt < RefreshInterval)
            {
                return _connections;
            }
            try
            {
                using var db = database!.CreateDbContext();
                // Few rows; ordered in memory because UpdatedAt is stored as binary ticks. One enabled connection per provider wins: the latest saved.
                _connections = db.ProviderConnections.AsNoTracking().Where(c => c.Enabled).ToList()
                    .GroupBy(c => c.Provider, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.UpdatedAt).First(), StringComparer.OrdinalIgnoreCase);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                // A database hiccup must not take providers away: keep serving the last snapshot and try again next interval.
                _logger.LogWarning(ex, "Could not read saved provider connections; keeping the previous ones.");
            }
            _readAt = now;
            return _connections;
        }
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
