using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Errors;
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
    /// <param name="errorsFor">When set, failed answers are mapped to ProviderException inside the HttpClient for this provider id.</param>
    public static bool AddAdapter<TAdapter, TOptions>(
        this IServiceCollection services,
        IConfiguration configuration,
        string sectionName,
        Func<TOptions, bool> isConfigured,
        string httpClientName,
        Func<TOptions, TimeSpan> httpTimeout,
        string? errorsFor = null)
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
        var client = services.AddHttpClient(httpClientName, client => client.Timeout = httpTimeout(configured));
        if (errorsFor is not null)
        {
            client.AddHttpMessageHandler(sp => new ProviderErrorHandler(errorsFor, sp.GetRequiredService<TimeProvider>()));
        }
        services.AddSingleton<IInferenceProvider, TAdapter>();
        return true;
    }
}
