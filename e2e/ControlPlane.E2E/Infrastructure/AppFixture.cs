using ControlPlane.Domain.Abstractions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(ControlPlane.E2E.Infrastructure.AppFixture))]

namespace ControlPlane.E2E.Infrastructure;

/// <summary>
/// The real app on Kestrel (a free loopback port) with a fresh data folder and the demo data, shared by every
/// journey. Demo traffic is off so the database holds still while a test compares it with the page.
/// A subclass passes extra settings to host a second app of its own (see <see cref="OperationsAppFixture"/>).
/// </summary>
public class AppFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"controlplane-e2e-{Guid.NewGuid():N}");
    private readonly IReadOnlyDictionary<string, string> _settings;
    private WebApplicationFactory<Program>? _factory;

    public AppFixture()
        : this(new Dictionary<string, string>())
    {
    }

    private static readonly Lock StartLock = new();

    protected AppFixture(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The bootstrap API key (every team), new for each run: journeys call the public API with it.</summary>
    public string ApiKey { get; } = $"e2e-{Guid.NewGuid():N}";

    /// <summary>An HTTP client for the app's public API over its real port, with <see cref="ApiKey"/> as the Bearer token.</summary>
    public HttpClient CreateApiClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The app has not started.");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            // UseSetting (not ConfigureAppConfiguration): Program reads these while registering services, before Build.
            builder.UseSetting("ControlPlane:DataDirectory", _dataDirectory);
            // A free loopback port: the root appsettings.json asks for localhost:5000, which would win over UseKestrel(0)
            // and collide with a developer's running app or a second app in this run.
            builder.UseSetting("Urls", "http://127.0.0.1:0");
            builder.UseSetting("ControlPlane:Demo:Enabled", "true");
            builder.UseSetting("ControlPlane:Demo:Traffic:Enabled", "false");
            // The journeys compare counts with the database and add their own finished traffic (FinishedTraffic):
            // a generated month would keep the batch engine busy under them and cost the run its first seconds.
            builder.UseSetting("ControlPlane:Demo:History:Days", "0");
            builder.UseSetting("ControlPlane:Simulator:Seed", "7");
            builder.UseSetting("ControlPlane:Demo:Password", Pages.SignInPage.DemoPassword);
            builder.UseSetting("ControlPlane:BootstrapApiKey", ApiKey);
            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(0);
        lock (StartLock)
        {
            // Hangfire.AspNetCore resolves an app's JobStorage by running its configuration against the process-wide
            // GlobalConfiguration and taking JobStorage.Current: two apps of this process starting at once could each
            // get the other's storage, and jobs enqueued by one would run in the other app. One start at a time, with
            // the storage resolved inside the lock.
            _factory.StartServer();
            _ = Services.GetRequiredService<Hangfire.JobStorage>();
        }

        var dataRoot = Services.GetRequiredService<DataPaths>().Root;
        if (!string.Equals(Path.GetFullPath(dataRoot), Path.GetFullPath(_dataDirectory), StringComparison.Ordinal))
        {
            // Guard: never let a test run seed or read a developer's own data folder.
            throw new InvalidOperationException($"The app uses {dataRoot}, not the test's data folder {_dataDirectory}.");
        }

        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        BaseUrl = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))?.TrimEnd('/')
            ?? throw new InvalidOperationException("Kestrel reported no http address.");
        Console.Error.WriteLine($"[e2e] app at {BaseUrl}, data in {_dataDirectory}");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"[e2e] could not delete {_dataDirectory}: {ex.Message}");
        }
        GC.SuppressFinalize(this);
    }
}
