using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Jobs.Providers.SageMaker;

public static class SageMakerRegistration
{
    /// <summary>Registers the SageMaker adapter when <c>ControlPlane:Providers:SageMaker:Region</c> is set.</summary>
    public static bool AddSageMakerProvider(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAdapter<SageMakerProvider, SageMakerOptions>(
            configuration, SageMakerOptions.SectionName, o => o.IsConfigured, SageMakerProvider.HttpClientName,
            o => o.Timeout, errorsFor: ProviderIds.SageMaker);
}
