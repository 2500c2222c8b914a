using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

public sealed class ProvidersJourneys(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    [Fact]
    public async Task Admin_OpensProviders_SeesTheCapabilityMatrixAndSimulatedProviders()
    {
        var providers = new ProvidersPage(Page, App.BaseUrl);
        await providers.OpenAsync();

        await Expect(providers.Heading).ToHaveTextAsync("Providers");
        await Expect(providers.Matrix).ToBeVisibleAsync();
        // No connection is saved and the e2e host configures no provider keys: the Simulator serves every provider.
        foreach (var provider in (string[])["openai", "anthropic", "gemini", "vertex", "sagemaker"])
        {
            await Expect(providers.ServedBy(provider)).ToHaveTextAsync("Simulated");
        }
        await Expect(providers.Capability("discount", "openai")).ToHaveTextAsync("50 %");
        await Expect(providers.Capability("discount", "sagemaker")).ToHaveTextAsync("0 %");
        await Expect(providers.Capability("requests", "anthropic")).ToHaveTextAsync("100,000");
        await Expect(providers.Connection("openai")).ToContainTextAsync("not set");
        await Expect(providers.DrawerLink("Providers")).ToBeVisibleAsync();
    }
}
