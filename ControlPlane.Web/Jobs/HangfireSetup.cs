using ControlPlane.Domain.Abstractions;
using Hangfire;
using Hangfire.Storage.SQLite;

namespace ControlPlane.Web.Jobs;

public static class HangfireSetup
{
    /// <summary>Hangfire on its own SQLite file in the data directory (see RECIPES.md).</summary>
    public static IHostApplicationBuilder AddControlPlaneHangfire(this IHostApplicationBuilder builder, DataPaths paths)
    {
        builder.Services.AddOptions<JobsOptions>()
            .BindConfiguration(JobsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var jobs = builder.Configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new();

        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseSQLiteStorage(paths.File("hangfire.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromSeconds(1),
            }));

        if (jobs.RunServer)
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
                o.WorkerCount = jobs.WorkerCount;
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }
        return builder;
    }
}
