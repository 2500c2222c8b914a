using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Jobs.Providers.Gemini;

public static class GeminiRegistration
{
    /// <summary>Registers the Gemini API adapter when <c>ControlPlane:Providers:Gemini:ApiKey</c> is set.</summary>
    public static bool AddGeminiProvider(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAdapter<GeminiProvider, GeminiOptions>(
            configuration, GeminiOptions.SectionName, o => o.IsConfigured, GeminiProvider.HttpClientName,
            o => o.Timeout, errorsFor: ProviderIds.Gemini);
}
