using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Web.Tests.Infrastructure;

/// <summary>
/// The real app on the test server, with its own temporary data folder. Settings are passed the way an
/// operator would (configuration keys), so the code under test reads them exactly as in production.
/// </summary>
public sealed class ControlPlaneFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    public ControlPlaneFactory(string? dataDirectory = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "cp-web-tests-" + Guid.NewGuid().ToString("N"));
        OwnsDataDirectory = dataDirectory is null;
        _settings = new()
        {
            ["ControlPlane:DataDirectory"] = DataDirectory,
            ["ControlPlane:Demo:Traffic:Enabled"] = "false",
            // No month of demo history unless a test asks for it: it would cost every test's start seconds.
            ["ControlPlane:Demo:History:Days"] = "0",
            ["ControlPlane:Jobs:RunServer"] = "false",
            // A known demo password, so tests sign in as each demo role through the real sign-in form.
            ["ControlPlane:Demo:Password"] = DemoPassword,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public const string DemoPassword = "Demo-Password-2026";

    public string DataDirectory { get; }

    private bool OwnsDataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>Once the app has started, Hangfire's static logging no longer points at its logger factory (see <see cref="HangfireLogging"/>).</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        HangfireLogging.Detach();
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (OwnsDataDirectory)
        {
            DeleteQuietly(DataDirectory);
        }
    }

    public static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still be closing a pooled handle; a leftover temp folder is harmless.
        }
    }
}
