using ControlPlane.Web.Tests.Infrastructure;
using System.Net.Http.Headers;
using ControlPlane.Domain.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Web.Tests.Api;

/// <summary>The real app on a temporary data folder: demo data on, demo traffic off, the Simulator instant and error-free.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string BootstrapKey = "test-bootstrap-key-0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cp-web-tests-" + Guid.NewGuid().ToString("N"));

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["ControlPlane:Api:MaxRequestBytes"] = "4096",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ControlPlane:DataDirectory", _dataDirectory);
        builder.UseSetting("ControlPlane:Demo:Enabled", "true");
        builder.UseSetting("ControlPlane:Demo:Traffic:Enabled", "false");
        builder.UseSetting("ControlPlane:Demo:History:Days", "0");
        builder.UseSetting("ControlPlane:Jobs:RunServer", "false");
        builder.UseSetting("ControlPlane:Simulator:RealtimeLatencyMedianMs", "0");
        builder.UseSetting("ControlPlane:Simulator:RealtimeErrorRate", "0");
        builder.UseSetting("ControlPlane:BootstrapApiKey", BootstrapKey);
        builder.UseSetting("ControlPlane:Demo:Password", ControlPlaneFactory.DemoPassword);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Once the app has started, Hangfire's static logging no longer points at its logger factory (see <see cref="HangfireLogging"/>).</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        HangfireLogging.Detach();
        return host;
    }

    public HttpClient ClientWithKey(string? key = BootstrapKey)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    public async Task<T> QueryAsync<T>(Func<ControlPlaneDbContext, Task<T>> query)
    {
        var factory = Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await query(db);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a handle for a moment; a leftover temp folder is harmless.
        }
    }
}
