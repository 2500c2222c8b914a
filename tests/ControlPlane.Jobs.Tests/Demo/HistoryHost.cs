using System.Collections.Concurrent;
using ControlPlane.Domain;
using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Tests.Demo;

/// <summary>
/// The Domain and Jobs halves of the app, registered by their own DependencyInjection with configuration keys, on a
/// migrated SQLite file with the demo data seeded, as the app's start-up leaves them before the demo history runs.
/// The clock is the real one.
/// </summary>
internal sealed class HistoryHost : IAsyncDisposable
{
    private readonly string _root;

    private HistoryHost(IHost host, string root, CapturedLogs logs)
    {
        Host = host;
        _root = root;
        Logs = logs;
    }

    public IHost Host { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<HistoryHost> CreateAsync(int days, int requestsPerDay, IDictionary<string, string?>? settings = null,
        string? root = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "controlplane-history-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = root,
        });
        var configuration = new Dictionary<string, string?>
        {
            ["ControlPlane:DataDirectory"] = root,
            ["ControlPlane:Demo:History:Days"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ControlPlane:Demo:History:RequestsPerDay"] = requestsPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddControlPlaneDomain();
        builder.AddControlPlaneJobs();
        // The Web host puts Hangfire behind these two; the live request path needs them only for hand-offs.
        builder.Services.AddSingleton<Jobs.Webhooks.IWebhookDeliveryQueue, Webhooks.RecordingWebhookDeliveryQueue>();
        builder.Services.AddSingleton<Jobs.Batches.IBatchJobQueue, Batches.RecordingBatchJobQueue>();
        var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        await ActivatorUtilities.CreateInstance<DemoSeeder>(host.Services).SeedAsync(CancellationToken.None);
        return new HistoryHost(host, root, logs);
    }

    public async Task<T> QueryAsync<T>(Func<ControlPlaneDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await Task.Yield();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing: the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>Every log line, and an optional action when a line matches (to stop a run at a known point).</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public Action<string>? OnLine { get; set; }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            logs.Lines.Enqueue((logLevel, message));
            logs.OnLine?.Invoke(message);
        }
    }
}
