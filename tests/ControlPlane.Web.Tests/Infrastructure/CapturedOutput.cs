using System.Collections.Concurrent;
using ControlPlane.Web.Security.FirstStart;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Web.Tests.Infrastructure;

/// <summary>Everything the app logs (any category, any level) and everything it prints as a console notice.</summary>
public sealed class CapturedOutput : ILoggerProvider, IConsoleNotice
{
    public ConcurrentQueue<string> Logs { get; } = new();

    public ConcurrentQueue<string> Notices { get; } = new();

    public void Install(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.AddSingleton<IConsoleNotice>(this);
    }

    public void Show(string message) => Notices.Enqueue(message);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedOutput output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            output.Logs.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
