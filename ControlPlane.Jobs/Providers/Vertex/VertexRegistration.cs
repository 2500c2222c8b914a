using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Jobs.Providers.Vertex;

public static class VertexRegistration
{
    /// <summary>Registers the Vertex AI adapter when a project id and a service-account key (JSON or file) are set.</summary>
    public static bool AddVertexProvider(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAdapter<VertexProvider, VertexOptions>(
            configuration, VertexOptions.SectionName, o => o.IsConfigured, VertexProvider.HttpClientName,
            o => o.Timeout, errorsFor: ProviderIds.VertexAI);
}
