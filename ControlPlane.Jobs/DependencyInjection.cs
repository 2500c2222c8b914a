using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs;

public static class DependencyInjection
{
    /// <summary>Provider adapters, the Simulator, the real-time dispatcher and Hangfire jobs.</summary>
    public static IHostApplicationBuilder AddControlPlaneJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
