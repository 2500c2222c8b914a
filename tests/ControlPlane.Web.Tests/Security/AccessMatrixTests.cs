using System.Net;
using ControlPlane.Web.Tests.Infrastructure;

namespace ControlPlane.Web.Tests.Security;

/// <summary>One app with the demo users; every role × every page, through the real sign-in form and cookie.</summary>
public sealed class AccessMatrixTests(AccessMatrixTests.App app) : IClassFixture<AccessMatrixTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ControlPlaneFactory Factory { get; } = new();

        private readonly Dictionary<string, HttpClient> _clients = [];

        public async Task<HttpClient> ClientAsync(string role)
        {
            if (!_clients.TryGetValue(role, out var client))
            {
                client = await SignIn.AsAsync(Factory, $"{role}@demo.local");
                _clients[role] = client;
            }
            return client;
        }

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, bool> Matrix()
    {
        // role, page, allowed — the table in docs/security.md.
        var allowed = new Dictionary<string, string[]>
        {
            ["/"] = ["admin", "techlead", "manager", "operator"],
            ["/workloads"] = ["admin", "techlead", "manager", "operator"],
            ["/workloads/customer-chatbot"] = ["admin", "techlead", "manager", "operator"],
            ["/sla"] = ["admin", "techlead", "manager", "operator"],
            ["/failovers"] = ["admin", "techlead", "manager", "operator"],
            ["/alerts"] = ["admin", "techlead", "manager", "operator"],
            ["/costs"] = ["admin", "manager"],
            ["/settings"] = ["admin"],
            ["/keys"] = ["admin"],
            ["/requests"] = ["admin", "manager", "operator"],
            ["/api/docs"] = ["admin", "techlead", "manager", "operator"],
            ["/providers"] = ["admin"],
            ["/batches"] = ["admin", "manager", "operator"],
            ["/users"] = ["admin"],
            ["/audit"] = ["admin", "manager"],
            ["/audit/export.csv"] = ["admin", "manager"],
            ["/hangfire"] = ["admin", "operator"],
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var (page, roles) in allowed)
        {
            foreach (var role in (string[])["admin", "techlead", "manager", "operator"])
            {
                data.Add(role, page, roles.Contains(role));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Page_ForEachRole_IsOpenedOrForbidden(string role, string page, bool allowed)
    {
        var client = await app.ClientAsync(role);

        var response = await client.GetAsync(page, Ct);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/forbidden", response.Headers.Location?.OriginalString);
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/workloads")]
    [InlineData("/users")]
    [InlineData("/audit")]
    [InlineData("/hangfire")]
    [InlineData("/forbidden")]
    public async Task Page_WhenNotSignedIn_RedirectsToSignInWithTheWayBack(string page)
    {
        var response = await SignIn.NewClient(app.Factory).GetAsync(page, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signin?returnUrl={Uri.EscapeDataString(page)}", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/signin")]
    [InlineData("/css/app.css")]
    public async Task PublicAddresses_AnswerWithoutSignIn(string path)
    {
        var response = await SignIn.NewClient(app.Factory).GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task JsonCaller_GetsProblemDetails_401Then403()
    {
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/audit/export.csv");
        anonymous.Headers.Accept.ParseAdd("application/json");
        var unauthorized = await SignIn.NewClient(app.Factory).SendAsync(anonymous, Ct);

        using var asOperator = new HttpRequestMessage(HttpMethod.Get, "/audit/export.csv");
        asOperator.Headers.Accept.ParseAdd("application/json");
        var forbidden = await (await app.ClientAsync("operator")).SendAsync(asOperator, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("\"status\":403", await forbidden.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task HangfireDashboard_IsRefusedToAManager_AndOpenToAnOperator()
    {
        var manager = await (await app.ClientAsync("manager")).GetAsync("/hangfire", Ct);
        var operatorPage = await (await app.ClientAsync("operator")).GetStringAsync("/hangfire", Ct);

        Assert.Equal(HttpStatusCode.Redirect, manager.StatusCode);
        Assert.StartsWith("/forbidden", manager.Headers.Location?.OriginalString);
        Assert.Contains("ControlPlane jobs", operatorPage);
    }

    [Fact]
    public async Task Navigation_ListsOnlyWhatTheRoleMayOpen()
    {
        var manager = await (await app.ClientAsync("manager")).GetStringAsync("/", Ct);
        var operatorPage = await (await app.ClientAsync("operator")).GetStringAsync("/", Ct);

        Assert.Contains("href=\"/audit\"", manager);
        Assert.DoesNotContain("href=\"/users\"", manager);
        Assert.DoesNotContain("href=\"/hangfire\"", manager);
        Assert.Contains("href=\"/hangfire\"", operatorPage);
        Assert.DoesNotContain("href=\"/audit\"", operatorPage);
        Assert.Contains("operator@demo.local", operatorPage);
    }

    [Fact]
    public async Task Responses_CarryTheSecurityHeaders()
    {
        var response = await SignIn.NewClient(app.Factory).GetAsync("/signin", Ct);

        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("connect-src 'self' ws: wss:", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Single(response.Headers.GetValues("Referrer-Policy"));
    }

    [Fact]
    public async Task SignInForm_WithoutAntiforgeryToken_IsRejected()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "admin@demo.local", ["Password"] = ControlPlaneFactory.DemoPassword });
        var response = await SignIn.NewClient(app.Factory).PostAsync("/account/signin", form, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_ReturnsToTheLocalPageAsked_ButNeverToAnotherSite()
    {
        var local = await SignIn.PostAsync(SignIn.NewClient(app.Factory), "manager@demo.local", ControlPlaneFactory.DemoPassword, "/audit?action=UserCreated");
        var foreign = await SignIn.PostAsync(SignIn.NewClient(app.Factory), "manager@demo.local", ControlPlaneFactory.DemoPassword, "//evil.example/");

        Assert.Equal("/audit?action=UserCreated", local.Headers.Location?.OriginalString);
        Assert.Equal("/", foreign.Headers.Location?.OriginalString);
    }
}
