using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ControlPlane.Web.Tests.Infrastructure;

/// <summary>Signs in the way a browser does: GET /signin for the antiforgery token and cookie, POST the form.</summary>
public static partial class SignIn
{
    public static HttpClient NewClient(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpClient> AsAsync(WebApplicationFactory<Program> factory, string email, string password = ControlPlaneFactory.DemoPassword)
    {
        var client = NewClient(factory);
        var response = await PostAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/signin", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
        return client;
    }

    /// <summary>One sign-in attempt; the answer is a redirect (to the return URL, or back to /signin with an error).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await client.GetStringAsync("/signin", ct);
        var token = TokenPattern().Match(page).Groups[1].Value;
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        });
        return await client.PostAsync("/account/signin", form, ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
