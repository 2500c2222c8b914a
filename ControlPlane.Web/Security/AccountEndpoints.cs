using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Security;

/// <summary>
/// The sign-in page (static SSR) posts here; a plain HTTP endpoint is where a cookie can be set reliably in
/// Blazor Server. Both forms carry an antiforgery token, validated by UseAntiforgery for every form post.
/// </summary>
public static class AccountEndpoints
{
    // Settable properties, not positional records: form binding then treats a missing field as null instead of a 400.
    public sealed class SignInForm
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
        public string? ReturnUrl { get; set; }
    }

    public sealed class SignOutForm
    {
        public string? ReturnUrl { get; set; }
    }

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").WithTags("Account");
        account.MapPost("/signin", SignInAsync).AllowAnonymous();
        account.MapPost("/signout", SignOutAsync).AllowAnonymous();
        return app;
    }

    private static async Task<RedirectHttpResult> SignInAsync(
        [FromForm] SignInForm? form,
        SignInManager<ControlPlaneUser> signIn,
        IDbContextFactory<ControlPlaneDbContext> factory,
        TimeProvider clock,
        ILogger<SignInForm> logger,
        CancellationToken cancellationToken)
    {
        var returnUrl = SafeReturnUrl(form?.ReturnUrl);
        var email = form?.Email?.Trim() ?? "";
        if (form is null || email.Length == 0 || string.IsNullOrEmpty(form.Password))
        {
            return TypedResults.Redirect(SignInPageUrl("missing", returnUrl));
        }

        var result = await signIn.PasswordSignInAsync(email, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("{Email} signed in", email);
            return TypedResults.LocalRedirect(returnUrl);
        }
        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused: {Email} is locked out", email);
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), email, "SignInLockedOut", "User", email,
                reason: "Too many failed sign-ins, or the account is disabled."));
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Redirect(SignInPageUrl("locked", returnUrl));
        }
        logger.LogInformation("Sign-in failed for {Email}", email);
        return TypedResults.Redirect(SignInPageUrl("failed", returnUrl));
    }

    private static async Task<RedirectHttpResult> SignOutAsync([FromForm] SignOutForm? form, SignInManager<ControlPlaneUser> signIn)
    {
        await signIn.SignOutAsync();
        var returnUrl = SafeReturnUrl(form?.ReturnUrl);
        return TypedResults.LocalRedirect("/signin" + (returnUrl == "/" ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
    }

    /// <summary>Only local paths: a crafted link must not bounce a freshly signed-in user to another site.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith("/signin", StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    private static string SignInPageUrl(string error, string returnUrl) =>
        $"/signin?error={error}" + (returnUrl == "/" ? "" : "&returnUrl=" + Uri.EscapeDataString(returnUrl));
}
