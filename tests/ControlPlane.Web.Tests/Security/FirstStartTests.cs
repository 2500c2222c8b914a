using System.Net;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Security;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Web.Tests.Security;

public sealed class FirstStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> DemoOff(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["ControlPlane:Demo:Enabled"] = "false" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task AdminFromConfiguration_CanSignInAndAdminister()
    {
        await using var factory = new ControlPlaneFactory(settings: DemoOff(
            ("ControlPlane:Admin:Email", "ops-admin@example.com"), ("ControlPlane:Admin:Password", "Configured-Admin-42")));

        var client = await SignIn.AsAsync(factory, "ops-admin@example.com", "Configured-Admin-42");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users", Ct)).StatusCode);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>().CreateDbContextAsync(Ct);
        Assert.Contains(await db.AuditEntries.ToListAsync(Ct), e => e.Action == "UserCreated" && e.EntityId == "ops-admin@example.com");
    }

    [Fact]
    public async Task NoAdminConfigured_GeneratesAPasswordPrintedOnceAndNeverLogged()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cp-first-start-" + Guid.NewGuid().ToString("N"));
        var first = new CapturedOutput();
        var second = new CapturedOutput();
        try
        {
            string password;
            await using (var factory = new ControlPlaneFactory(directory, Verbose(DemoOff()), first.Install))
            {
                _ = factory.Services; // start it
                var notice = Assert.Single(first.Notices);
                Assert.Contains(AdminOptions.GeneratedEmail, notice);
                password = System.Text.RegularExpressions.Regex.Match(notice, "generated password\\s+(\\S+)").Groups[1].Value;
                Assert.NotEmpty(password);

                var client = await SignIn.AsAsync(factory, AdminOptions.GeneratedEmail, password);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users", Ct)).StatusCode);
                Assert.DoesNotContain(first.Logs, line => line.Contains(password, StringComparison.Ordinal));
                Assert.Contains(first.Logs, line => line.Contains("printed once to the console", StringComparison.Ordinal));
            }

            await using (var restarted = new ControlPlaneFactory(directory, DemoOff(), second.Install))
            {
                _ = restarted.Services; // start it
                Assert.Empty(second.Notices);
                await SignIn.AsAsync(restarted, AdminOptions.GeneratedEmail, password);
            }
            // Stored only as a hash: the clear text is nowhere in the database file.
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, "controlplane.db"), Ct);
            Assert.DoesNotContain(password, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
        finally
        {
            ControlPlaneFactory.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task ConfiguredDemoPassword_NeverAppearsInTheLogs()
    {
        var output = new CapturedOutput();
        await using var factory = new ControlPlaneFactory(settings: Verbose([]), services: output.Install);

        var client = await SignIn.AsAsync(factory, "admin@demo.local");
        await SignIn.PostAsync(SignIn.NewClient(factory), "operator@demo.local", ControlPlaneFactory.DemoPassword + "x");
        await client.GetAsync("/users", Ct);

        Assert.NotEmpty(output.Logs);
        Assert.DoesNotContain(output.Logs, line => line.Contains(ControlPlaneFactory.DemoPassword, StringComparison.Ordinal));
        Assert.Empty(output.Notices); // configured, not generated: nothing to print
    }

    [Fact]
    public async Task DemoMode_ShowsTheDemoCredentialsOnTheSignInPage()
    {
        await using var factory = new ControlPlaneFactory();
        var page = await SignIn.NewClient(factory).GetStringAsync("/signin", Ct);

        Assert.Contains("id=\"demo-credentials\"", page);
        Assert.Contains("techlead@demo.local", page);
        Assert.Contains(ControlPlaneFactory.DemoPassword, page);
    }

    [Fact]
    public async Task DemoOff_HidesTheDemoCredentials_AndLocksTheDemoUsersLeftFromDemoMode()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cp-demo-off-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var demo = new ControlPlaneFactory(directory))
            {
                await SignIn.AsAsync(demo, "manager@demo.local");
            }
            await using var off = new ControlPlaneFactory(directory, DemoOff(("ControlPlane:Admin:Email", "root@example.com"), ("ControlPlane:Admin:Password", "Root-Password-2026")));

            var page = await SignIn.NewClient(off).GetStringAsync("/signin", Ct);
            var attempt = await SignIn.PostAsync(SignIn.NewClient(off), "manager@demo.local", ControlPlaneFactory.DemoPassword);

            Assert.DoesNotContain("demo-credentials", page);
            Assert.DoesNotContain(ControlPlaneFactory.DemoPassword, page);
            Assert.DoesNotContain("@demo.local", page);
            Assert.Equal("/signin?error=locked", attempt.Headers.Location?.OriginalString);
        }
        finally
        {
            ControlPlaneFactory.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenAgainstTheRightOne()
    {
        await using var factory = new ControlPlaneFactory();
        var client = SignIn.NewClient(factory);

        var failures = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            failures.Add((await SignIn.PostAsync(client, "operator@demo.local", "Wrong-Password-" + i)).Headers.Location?.OriginalString);
        }
        var withRightPassword = await SignIn.PostAsync(client, "operator@demo.local", ControlPlaneFactory.DemoPassword);
        var page = await client.GetStringAsync(withRightPassword.Headers.Location!.OriginalString, Ct);

        Assert.All(failures.Take(4), l => Assert.Equal("/signin?error=failed", l));
        Assert.Equal("/signin?error=locked", failures[4]);
        Assert.Equal("/signin?error=locked", withRightPassword.Headers.Location?.OriginalString);
        Assert.Contains("This account is locked", page);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", Ct)).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        await using var factory = new ControlPlaneFactory();
        var client = await SignIn.AsAsync(factory, "admin@demo.local");
        var home = await client.GetStringAsync("/", Ct);
        var token = System.Text.RegularExpressions.Regex.Match(home, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var signOut = await client.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }), Ct);

        Assert.True(token.Length > 0, "the user menu renders an antiforgery token");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/signin", signOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", Ct)).StatusCode);
    }

    /// <summary>Everything the framework can log, so "never in the logs" covers debug output too.</summary>
    private static Dictionary<string, string?> Verbose(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
        settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug";
        return settings;
    }
}
