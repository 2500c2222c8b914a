using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Anthropic;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Jobs.Providers.Vertex;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs.Tests.Providers;

public sealed class ProviderRegistrationTests
{
    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new DataPaths(Path.GetTempPath()));
        builder.AddControlPlaneJobs();
        return builder.Build().Services;
    }

    [Fact]
    public void Registry_NoCredentials_SimulatorStandsInForEveryProvider()
    {
        var services = Build([]);

        Assert.Empty(services.GetServices<IInferenceProvider>());
        Assert.All(services.GetRequiredService<IProviderRegistry>().All, p => Assert.True(p.IsSimulated));
    }

    [Fact]
    public void Registry_OnlyOpenAIAndSageMakerConfigured_ServesThoseRealAndSimulatesTheRest()
    {
        var services = Build(new()
        {
            [$"{OpenAIOptions.SectionName}:ApiKey"] = "sk-test",
            [$"{SageMakerOptions.SectionName}:Region"] = "eu-west-1",
        });
        var registry = services.GetRequiredService<IProviderRegistry>();

        Assert.IsType<OpenAIProvider>(registry.Get("openai"));
        Assert.IsType<SageMakerProvider>(registry.Get("sagemaker"));
        Assert.True(registry.Get("anthropic").IsSimulated);
        Assert.True(registry.Get("gemini").IsSimulated);
        Assert.True(registry.Get("vertex").IsSimulated);
    }

    [Fact]
    public void Registry_VertexProjectWithoutServiceAccount_StaysSimulated()
    {
        var services = Build(new() { [$"{VertexOptions.SectionName}:ProjectId"] = "acme-ml" });

        Assert.True(services.GetRequiredService<IProviderRegistry>().Get("vertex").IsSimulated);
    }

    [Fact]
    public void Registry_AllKeysConfigured_ServesEveryRealAdapter()
    {
        var services = Build(new()
        {
            [$"{OpenAIOptions.SectionName}:ApiKey"] = "sk-test",
            [$"{AnthropicOptions.SectionName}:ApiKey"] = "sk-ant-test",
            [$"{GeminiOptions.SectionName}:ApiKey"] = "AIza-test",
            [$"{VertexOptions.SectionName}:ProjectId"] = "acme-ml",
            [$"{VertexOptions.SectionName}:CredentialsFile"] = "/run/secrets/vertex.json",
            [$"{SageMakerOptions.SectionName}:Region"] = "eu-west-1",
        });

        Assert.Equal(["anthropic", "gemini", "openai", "sagemaker", "vertex"],
            services.GetServices<IInferenceProvider>().Select(p => p.Provider).Order(StringComparer.Ordinal));
        Assert.All(services.GetServices<IInferenceProvider>(), p => Assert.False(p.IsSimulated));
    }

    [Fact]
    public void Capabilities_SageMaker_HasNoBatchDiscount()
    {
        var services = Build(new() { [$"{SageMakerOptions.SectionName}:Region"] = "eu-west-1" });

        Assert.Equal(0m, services.GetRequiredService<IProviderRegistry>().Get("sagemaker").Capabilities.BatchDiscount);
    }
}
