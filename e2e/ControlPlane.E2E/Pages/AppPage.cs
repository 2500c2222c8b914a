using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>What every page shares: the app bar, the drawer and the wait for the interactive circuit.</summary>
public abstract class AppPage(IPage page, string baseUrl)
{
    public IPage Page { get; } = page;

    public ILocator AppName => Page.Locator("#app-name");

    public ILocator ThemeToggle => Page.Locator("#theme-toggle");

    public ILocator Heading => Page.Locator("h1");

    public ILocator DrawerLink(string name) =>
        Page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    /// <summary>Opens a page; when the app asks for sign-in first, signs in as the demo admin (who may open every page).</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(baseUrl + path);
        var signIn = new SignInPage(Page, baseUrl);
        if (signIn.IsShown)
        {
            await signIn.SignInAsync(SignInPage.DemoEmail("Admin"));
        }
        await WaitUntilInteractiveAsync();
    }

    public ILocator UserName => Page.Locator("#user-name");

    public ILocator NavigationLinks => Page.Locator(".mud-drawer .mud-nav-link");

    /// <summary>
    /// The first paint is the prerender; clicks before the SignalR circuit connects are lost. The layout sets
    /// <c>data-interactive="true"</c> once it has rendered interactively.
    /// </summary>
    public Task WaitUntilInteractiveAsync() =>
        Page.Locator("[data-interactive=\"true\"]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>The page background as the browser paints it, e.g. <c>rgb(245, 246, 250)</c>.</summary>
    public Task<string> BackgroundColorAsync() =>
        Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
