using ControlPlane.Jobs.Webhooks;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Demo;

/// <summary>Nothing from the simulated past is sent anywhere: no completion webhooks for history requests.</summary>
internal sealed class NoCompletionWebhooks : ICompletionNotifier
{
    public Task RequestSettledAsync(Guid requestId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task BatchSettledAsync(Guid batchJobId, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Nothing from the simulated past is queued in Hangfire (alert webhooks are off during history anyway).</summary>
internal sealed class NoBackgroundJobs : IBackgroundJobClient
{
    public string Create(Job job, IState state) => "";

    public bool ChangeState(string jobId, IState state, string expectedState) => false;
}

/// <summary>
/// Hands the history's loggers to the app's, so warnings and errors of the engine during history reach the app's log;
/// the engine's routine information (one line per batch job) is filtered out by the history's logging setup.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The app owns the target factory.
    }
}
