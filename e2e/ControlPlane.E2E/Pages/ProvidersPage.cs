using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>"/providers": who serves each provider, its capabilities, and the connection forms.</summary>
public sealed class ProvidersPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public Task OpenAsync() => GotoAsync("/providers");

    public ILocator Matrix => Page.Locator("#provider-matrix");

    public ILocator ServedBy(string provider) => Page.Locator($"[data-served-by=\"{provider}\"]");

    public ILocator Capability(string column, string provider) => Page.Locator($"[data-cap-{column}=\"{provider}\"]");

    public ILocator Connection(string provider) => Page.Locator($"#connection-{provider}");
}
