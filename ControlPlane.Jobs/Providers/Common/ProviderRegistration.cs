using ControlPlane.Domain.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ControlPlane.Jobs.Providers.Common;

/// <summary>
/// Registers a real adapter only when its credentials are configured, so the <see cref="ProviderRegistry"/> serves the
/// real provider where there is one and the Simulator stands in for the rest. The named HttpClient has a plain timeout
/// and no resilience handler: the real-time executor retries and breaks circuits itself, and a second retry layer
/// here would multiply waits and hide the error classes it needs.
/// </summary>
public static class ProviderRegistration
{
    public static bool AddAdapter<TAdapter, TOptions>(
        this IServiceCollection services,
        IConfiguration configuration,
        string sectionName,
        Func<TOptions, bool> isConfigured,
        string httpClientName,
        Func<TOptions, TimeSpan> httpTimeout)
        where TAdapter : class, IInferenceProvider
        where TOptions : class, new()
    {
        var configured = new TOptions();
        configuration.GetSection(sectionName).Bind(configured);
        if (!isConfigured(configured))
        {
            return false;
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(httpClientName, client => client.Timeout = httpTimeout(configured));
        services.AddSingleton<IInferenceProvider, TAdapter>();
        return true;
    }
}
