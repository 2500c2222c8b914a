using ControlPlane.Jobs.Providers.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Jobs.Providers.OpenAI;

public static class OpenAIRegistration
{
    /// <summary>Registers the OpenAI adapter when <c>ControlPlane:Providers:OpenAI:ApiKey</c> is set.</summary>
    public static bool AddOpenAIProvider(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAdapter<OpenAIProvider, OpenAIOptions>(
            configuration, OpenAIOptions.SectionName, o => o.IsConfigured, OpenAIProvider.HttpClientName,
            // The SDK enforces OpenAIOptions.Timeout per call (NetworkTimeout); the HttpClient must not cut a
            // streamed result-file download short, so it only guards against a hung connection.
            _ => TimeSpan.FromMinutes(30));
}
