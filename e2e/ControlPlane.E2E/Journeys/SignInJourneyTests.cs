using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

public sealed class SignInJourneyTests(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    [Theory]
    [InlineData("Admin", new[] { "Overview", "Workloads", "Requests", "Batch jobs", "SLA", "Failovers", "Costs and TCO", "Alerts", "API keys", "Users", "Providers", "Settings", "Audit", "API reference", "Background jobs" })]
    [InlineData("TechLead", new[] { "Overview", "Workloads", "SLA", "Failovers", "Alerts", "API reference" })]
    [InlineData("Manager", new[] { "Overview", "Workloads", "Requests", "Batch jobs", "SLA", "Failovers", "Costs and TCO", "Alerts", "Audit", "API reference" })]
    [InlineData("Operator", new[] { "Overview", "Workloads", "Requests", "Batch jobs", "SLA", "Failovers", "Alerts", "API reference", "Background jobs" })]
    public async Task DemoRole_SignsIn_AndSeesOnlyItsNavigation(string role, string[] navigation)
    {
        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();
        await Expect(signIn.DemoCredentials).ToContainTextAsync(SignInPage.DemoEmail(role));

        await signIn.SignInAsync(SignInPage.DemoEmail(role));

        var overview = new OverviewPage(Page, App.BaseUrl);
        await overview.WaitUntilInteractiveAsync();
        await Expect(overview.UserName).ToHaveTextAsync(SignInPage.DemoEmail(role));
        await Expect(overview.NavigationLinks).ToHaveTextAsync(navigation);
    }

    [Fact]
    public async Task Manager_AskingForTheUsersPage_IsToldTheyHaveNoAccess()
    {
        await Page.GotoAsync(App.BaseUrl + "/users");
        var signIn = new SignInPage(Page, App.BaseUrl);
        Assert.True(signIn.IsShown, "an anonymous visitor is sent to the sign-in page");

        await signIn.SignInAsync(SignInPage.DemoEmail("Manager"));

        await Expect(Page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "You don't have access" })).ToBeVisibleAsync();
        Assert.EndsWith("/forbidden?returnUrl=%2Fusers", Page.Url);
    }

    [Fact]
    public async Task WrongPassword_StaysOnSignIn_WithAClearMessage()
    {
        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();

        await signIn.SignInAsync(SignInPage.DemoEmail("Operator"), "not-the-password");

        Assert.True(signIn.IsShown);
        await Expect(signIn.Error).ToHaveTextAsync("The email or password is not right.");
    }

    [Fact]
    public async Task SignOut_ReturnsToTheSignInPage()
    {
        var overview = new OverviewPage(Page, App.BaseUrl);
        await overview.OpenAsync();

        await Page.Locator("#signout").ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal));

        Assert.True(new SignInPage(Page, App.BaseUrl).IsShown);
        await Page.GotoAsync(App.BaseUrl + "/");
        Assert.True(new SignInPage(Page, App.BaseUrl).IsShown, "after sign-out the overview asks for sign-in again");
    }
}
