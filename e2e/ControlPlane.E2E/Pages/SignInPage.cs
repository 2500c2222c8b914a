using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>"/signin": a static page with a plain form (no circuit), and the demo credentials while demo mode is on.</summary>
public sealed class SignInPage(IPage page, string baseUrl)
{
    public const string Path = "/signin";

    /// <summary>The demo users' password in the e2e app (AppFixture sets ControlPlane:Demo:Password).</summary>
    public const string DemoPassword = "E2e-Demo-Password-1";

    public IPage Page { get; } = page;

    public ILocator Email => Page.GetByLabel("Email");

    public ILocator Password => Page.GetByLabel("Password", new() { Exact = true });

    public ILocator Error => Page.Locator("#signin-error");

    public ILocator DemoCredentials => Page.Locator("#demo-credentials");

    public bool IsShown => new Uri(Page.Url).AbsolutePath.Equals(Path, StringComparison.OrdinalIgnoreCase);

    public Task OpenAsync() => Page.GotoAsync(baseUrl + Path);

    /// <summary>Fills and submits the form; the browser follows the redirect to the page it was asked for.</summary>
    public async Task SignInAsync(string email, string password = DemoPassword)
    {
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        var before = Page.Url;
        await Page.Locator("#signin-submit").ClickAsync();
        // Success goes to the page asked for, failure back to /signin?error=…: either way the address changes.
        await Page.WaitForURLAsync(url => url != before);
    }

    public static string DemoEmail(string role) => $"{role.ToLowerInvariant()}@demo.local";
}
