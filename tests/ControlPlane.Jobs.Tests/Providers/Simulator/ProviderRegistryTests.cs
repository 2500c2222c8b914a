using ControlPlane.Domain;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Tests.Providers.Simulator;

public sealed class ProviderRegistryTests : IDisposable
{
    private readonly SimulatorHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private ProviderRegistry Registry(bool standIn = true, params IInferenceProvider[] adapters) =>
        new(adapters, Options.Create(SimulatorHarness.QuietOptions(o => o.StandInForUnconfiguredProviders = standIn)), _harness.Paths, _harness.Time);

    [Fact]
    public void Get_WithoutAdapter_ReturnsACachedSimulatedStandIn()
    {
        var registry = Registry();

        var provider = registry.Get(ProviderIds.OpenAI);

        Assert.True(provider.IsSimulated);
        Assert.Equal(ProviderIds.OpenAI, provider.Provider);
        Assert.Same(provider, registry.Get(ProviderIds.OpenAI));
    }

    [Fact]
    public void Get_WithRegisteredAdapter_ReturnsTheAdapter()
    {
        var adapter = new StubAdapter(ProviderIds.Anthropic);

        var registry = Registry(true, adapter);

        Assert.Same(adapter, registry.Get(ProviderIds.Anthropic));
        Assert.True(registry.Get(ProviderIds.OpenAI).IsSimulated);
    }

    [Fact]
    public void Get_WhenStandInIsOff_RefusesUnconfiguredProviderButServesTheSimulator()
    {
        var registry = Registry(standIn: false);

        var error = Assert.Throws<DomainException>(() => registry.Get(ProviderIds.OpenAI));

        Assert.Contains("no connection configured", error.Message, StringComparison.Ordinal);
        Assert.True(registry.Get(ProviderIds.Simulator).IsSimulated);
        Assert.Equal([ProviderIds.Simulator], registry.All.Select(p => p.Provider));
    }

    [Fact]
    public void Get_WithUnknownProvider_Throws()
    {
        Assert.Throws<DomainException>(() => Registry().Get("acme"));
    }

    [Fact]
    public void All_ListsOneProviderPerKnownId()
    {
        var adapter = new StubAdapter(ProviderIds.Gemini);

        var all = Registry(true, adapter).All;

        Assert.Equal(ProviderIds.All, all.Select(p => p.Provider));
        Assert.Same(adapter, all.Single(p => p.Provider == ProviderIds.Gemini));
    }

    [Fact]
    public void AddControlPlaneJobs_RegistersTheRegistryWithBoundOptions()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ControlPlane:Simulator:Seed"] = "7",
            ["ControlPlane:Simulator:BatchTurnaround"] = "00:00:30",
        });
        builder.Services.AddSingleton(_harness.Paths);
        builder.AddControlPlaneJobs();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        var registry = host.Services.GetRequiredService<IProviderRegistry>();

        Assert.Equal((7, TimeSpan.FromSeconds(30)), (options.Seed, options.BatchTurnaround));
        Assert.True(registry.Get(ProviderIds.Simulator).IsSimulated);
    }

    [Fact]
    public async Task AddControlPlaneJobs_WithInvalidSimulatorOptions_FailsAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ControlPlane:Simulator:RealtimeErrorRate"] = "1.5",
            ["ControlPlane:DataDirectory"] = _harness.Paths.Root,
        });
        // The Jobs layer's request path and telemetry writer need the Domain's store, as in the real host.
        builder.AddControlPlaneDomain();
        builder.AddControlPlaneJobs();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(nameof(SimulatorOptions.RealtimeErrorRate), error.Message, StringComparison.Ordinal);
    }

    private sealed class StubAdapter(string provider) : IInferenceProvider
    {
        public string Provider => provider;
        public ProviderCapabilities Capabilities => ProviderCapabilities.For(provider);
        public bool IsSimulated => false;
        public Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<BatchResultItem> ReadResultsAsync(string providerBatchId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
