using ControlPlane.E2E.Infrastructure;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Journeys;

/// <summary>
/// One browser context per test; a full-page screenshot of where the journey ended (passed or failed) goes to
/// <c>artifacts/screenshots/&lt;test&gt;.png</c>.
/// </summary>
public abstract class Journey(AppFixture app, BrowserFixture browser) : IAsyncLifetime
{
    private IBrowserContext? _context;

    protected AppFixture App { get; } = app;

    protected IPage Page { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _context = await browser.NewContextAsync();
        Page = await _context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is null)
        {
            return;
        }
        var name = TestContext.Current.TestMethod?.MethodName ?? GetType().Name;
        try
        {
            await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot(name), FullPage = true });
        }
        catch (PlaywrightException ex)
        {
            Console.Error.WriteLine($"[e2e] no screenshot for {name}: {ex.Message}");
        }
        await _context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
