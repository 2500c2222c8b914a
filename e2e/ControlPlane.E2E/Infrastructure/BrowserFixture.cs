using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(ControlPlane.E2E.Infrastructure.BrowserFixture))]

namespace ControlPlane.E2E.Infrastructure;

/// <summary>One headless Chromium for the run; each journey gets its own context (cookies, storage, viewport).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        var options = await BrowserProvisioner.ProvisionAsync(TestContext.Current.CancellationToken);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(options);
        Console.Error.WriteLine($"[browser] launched Chromium {_browser.Version}");
    }

    public Task<IBrowserContext> NewContextAsync() =>
        (_browser ?? throw new InvalidOperationException("The browser has not started.")).NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
        });

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
