using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Security.FirstStart;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace ControlPlane.Web.Security;

public static class SecuritySetup
{
    public const string SignInPath = "/signin";
    public const string ForbiddenPath = "/forbidden";

    /// <summary>Identity (EF store in ControlPlaneDbContext), the sign-in cookie, the policies, first-start accounts.</summary>
    public static IHostApplicationBuilder AddControlPlaneSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        services.AddOptions<HttpsOptions>().BindConfiguration(HttpsOptions.SectionName);

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<ControlPlaneUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false; // length does more than a symbol; generated passwords have '-'.
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ControlPlaneDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // A disabled user's cookie stops working within a minute (the security stamp is checked again).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(ConfigureCookie);

        services.AddAuthorizationBuilder().AddControlPlanePolicies();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingUserStateProvider>();
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentActor, SignedInActor>();
        services.AddSingleton<TeamAccess>();
        services.AddScoped<Features.Users.UserAdministration>();

        services.AddSingleton<IConsoleNotice, StandardOutputNotice>();
        services.AddSingleton<DemoCredentials>();
        services.AddScoped<AccountBootstrapper>();
        return builder;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = "ControlPlane.Auth";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.LoginPath = SignInPath;
        cookie.AccessDeniedPath = ForbiddenPath;
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        cookie.SlidingExpiration = true;
        // Pages get redirects; JSON callers (and the API, which issue 4 protects with API keys) get status codes.
        cookie.Events.OnRedirectToLogin = context => IsPageRequest(context.Request)
            ? Redirect(context)
            : WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required", "Sign in, or call the API with an API key.");
        cookie.Events.OnRedirectToAccessDenied = context => IsPageRequest(context.Request)
            ? Redirect(context)
            : WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this.");
    }

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        // Relative redirect: the cookie handler builds an absolute URL from the request, which is wrong behind proxies.
        var uri = new Uri(context.RedirectUri, UriKind.RelativeOrAbsolute);
        context.Response.Redirect(uri.IsAbsoluteUri ? uri.PathAndQuery : context.RedirectUri);
        return Task.CompletedTask;
    }

    internal static bool IsPageRequest(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/v1")
        && (request.Headers.Accept.Count == 0 || request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true || a == "*/*"));

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" },
        });
    }

    /// <summary>Middleware in order: HTTPS (when configured), security headers, authentication, authorization, antiforgery.</summary>
    public static WebApplication UseControlPlaneSecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpsOptions>>().Value.Redirect)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
