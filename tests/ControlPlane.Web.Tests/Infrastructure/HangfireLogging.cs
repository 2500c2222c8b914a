using Hangfire;
using Hangfire.Logging;

namespace ControlPlane.Web.Tests.Infrastructure;

/// <summary>
/// Hangfire keeps its log provider in static state, set by every host that configures it to that host's logger factory.
/// With many test hosts in one process, a host that builds a Hangfire client (on its first request that queues a job)
/// can meet the factory of another test's host that has already been disposed, and fail the request with
/// ObjectDisposedException. Once a test host has started, Hangfire's logging is pointed at nothing instead.
/// </summary>
internal static class HangfireLogging
{
    public static void Detach() => GlobalConfiguration.Configuration.UseLogProvider(new Silent());

    private sealed class Silent : ILogProvider, ILog
    {
        public ILog GetLogger(string name) => this;

        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
