using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Jobs.Providers.Anthropic;

public static class AnthropicRegistration
{
    /// <summary>Registers the Anthropic adapter when <c>ControlPlane:Providers:Anthropic:ApiKey</c> is set.</summary>
    public static bool AddAnthropicProvider(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAdapter<AnthropicProvider, AnthropicOptions>(
            configuration, AnthropicOptions.SectionName, o => o.IsConfigured, AnthropicProvider.HttpClientName,
            // The SDK enforces AnthropicOptions.Timeout per call; results downloads stream for as long as they need.
            _ => TimeSpan.FromMinutes(30),
            errorsFor: ProviderIds.Anthropic);
}
