using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Domain;

public static class DependencyInjection
{
    /// <summary>Options, the data folder and the EF Core context factory (SQLite).</summary>
    public static IHostApplicationBuilder AddControlPlaneDomain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ControlPlaneOptions>()
            .BindConfiguration(ControlPlaneOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Get<ControlPlaneOptions>() ?? new();
        var dataPaths = ResolveDataPaths(options, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(dataPaths);

        var connectionString = string.IsNullOrWhiteSpace(options.DatabaseConnectionString)
            ? DefaultConnectionString(dataPaths)
            : options.DatabaseConnectionString;
        builder.Services.AddDbContextFactory<ControlPlaneDbContext>(db => db.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas()));
        builder.Services.AddSingleton<DatabaseInitializer>();
        if (IsSqliteFile(connectionString))
        {
            builder.Services.AddHostedService(sp => new WalCheckpointer(connectionString,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WalCheckpointer>>()));
        }
        return builder;
    }

    public static DataPaths ResolveDataPaths(ControlPlaneOptions options, string contentRoot)
    {
        var root = Path.GetFullPath(Path.Combine(contentRoot, options.DataDirectory));
        Directory.CreateDirectory(root);
        return new DataPaths(root);
    }

    private static bool IsSqliteFile(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return !string.IsNullOrEmpty(source) && source != ":memory:" && !source.StartsWith("file::memory:", StringComparison.Ordinal);
    }

    public static string DefaultConnectionString(DataPaths paths) => new SqliteConnectionStringBuilder
    {
        DataSource = paths.File("controlplane.db"),
        Cache = SqliteCacheMode.Default,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();
}
