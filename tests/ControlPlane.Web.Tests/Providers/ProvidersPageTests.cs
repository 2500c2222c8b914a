using Bunit;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Features.Providers;
using ControlPlane.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ControlPlane.Web.Tests.Providers;

public sealed class ProvidersPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private ProviderKit _kit = null!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kit = await ProviderKit.CreateAsync(Ct);
        _context.Services.AddMudServices();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddSingleton<IDbContextFactory<ControlPlaneDbContext>>(_kit.Database);
        _context.Services.AddSingleton<TimeProvider>(_kit.Clock);
        _context.Services.AddSingleton<ICurrentActor, PlaceholderActor>();
        _context.Services.AddSingleton<IProviderRegistry>(_kit.Registry);
        _context.Services.AddSingleton(_kit.Store);
        _context.Services.AddScoped<ProviderStatus>();
        _context.Services.AddScoped<SettingsStore>();
        _context.Render<MudPopoverProvider>();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _kit.Dispose();
    }

    [Fact]
    public void CapabilityMatrix_ShowsEachProvidersLimits_AndSimulatedWhereNothingIsConnected()
    {
        var page = _context.Render<ProvidersPage>();

        page.WaitForElement("#provider-matrix");
        Assert.Equal("50 %", page.Find("[data-cap-discount=openai]").TextContent);
        // The Simulator standing in compresses the batch window (ControlPlane:Simulator:BatchWindow); the matrix shows what applies.
        Assert.Equal("10 min", page.Find("[data-cap-window=anthropic]").TextContent);
        Assert.Equal("100,000", page.Find("[data-cap-requests=anthropic]").TextContent);
        Assert.Equal("2 GB", page.Find("[data-cap-bytes=gemini]").TextContent);
        Assert.Equal("200 MB", page.Find("[data-cap-bytes=openai]").TextContent);
        Assert.Equal("0 %", page.Find("[data-cap-discount=sagemaker]").TextContent);
        Assert.All(ProviderIds.All, id => Assert.Contains("Simulated", page.Find($"[data-served-by={id}]").TextContent));
        Assert.Contains("No calls", page.Find("[data-health=openai]").TextContent);
    }

    [Fact]
    public async Task SavedKey_IsNeverRenderedBack_OnlySaidToBeSet()
    {
        Assert.Empty(await _kit.Store.SaveAsync(new ConnectionDraft { Provider = ProviderIds.OpenAI, Name = "OpenAI", NewSecret = ProviderKit.Key }, Ct));

        var page = _context.Render<ProvidersPage>();

        page.WaitForElement("#connection-openai");
        Assert.DoesNotContain("SECRET", page.Markup, StringComparison.Ordinal);
        Assert.Contains("set — type a new one to replace it", page.Find("#connection-openai").TextContent);
        Assert.Contains("not set", page.Find("#connection-anthropic").TextContent);
        Assert.Contains("Real (saved connection)", page.Find("[data-served-by=openai]").TextContent);
        Assert.Equal("24 h", page.Find("[data-cap-window=openai]").TextContent);
    }

    [Fact]
    public void SaveWithoutKey_ShowsTheMessageUnderTheField_AndStoresNothing()
    {
        var page = _context.Render<ProvidersPage>();

        page.WaitForElement("#anthropic-save");
        page.Find("#anthropic-save").Click();

        page.WaitForAssertion(() => Assert.Contains("Enter the API key, or switch the connection off.", page.Find("#connection-anthropic").TextContent));
        using var db = _kit.Database.CreateDbContext();
        Assert.False(db.ProviderConnections.Any());
    }

    [Fact]
    public void SaveWithKey_SwitchesTheProviderToReal_AndClearsTheKeyField()
    {
        var page = _context.Render<ProvidersPage>();

        page.WaitForElement("#gemini-secret");
        page.Find("input#gemini-secret").Change(ProviderKit.Key);
        page.Find("#gemini-save").Click();

        page.WaitForAssertion(() => Assert.Contains("Real (saved connection)", page.Find("[data-served-by=gemini]").TextContent));
        Assert.DoesNotContain("SECRET", page.Markup, StringComparison.Ordinal);
        Assert.Contains("set — type a new one", page.Find("#connection-gemini").TextContent);
    }
}
