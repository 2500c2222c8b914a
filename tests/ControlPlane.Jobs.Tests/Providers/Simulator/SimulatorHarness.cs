using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Jobs.Tests.Providers.Simulator;

/// <summary>A temporary data folder, a fake clock and quiet Simulator options that each test turns up as it needs.</summary>
internal sealed class SimulatorHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "controlplane-sim-tests", Guid.NewGuid().ToString("N"));

    public DataPaths Paths { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public SimulatorHarness()
    {
        Directory.CreateDirectory(Root);
        Paths = new DataPaths(Root);
    }

    /// <summary>No latency, no errors, no item failures, no stalls: a test switches on only what it examines.</summary>
    public static SimulatorOptions QuietOptions(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions
        {
            RealtimeLatencyMedianMs = 0,
            RealtimeErrorRate = 0,
            BatchItemFailureRate = 0,
            BatchStallRate = 0,
            BatchExpiryRate = 0,
        };
        configure?.Invoke(options);
        return options;
    }

    public SimulatedProvider Provider(Action<SimulatorOptions>? configure = null, string provider = "openai") =>
        new(provider, QuietOptions(configure), Paths, Time);

    public string InputFile(string providerBatchId) => Path.Combine(Root, "simulator", providerBatchId, "input.jsonl");

    public static IAsyncEnumerable<BatchItem> Items(int count, int? maxOutputTokens = null) =>
        Enumerable.Range(0, count)
            .Select(i => new BatchItem($"req-{i:D6}", [new ChatMessage(ChatRole.User, $"Question {i}: summarise the attached report.")], maxOutputTokens))
            .ToAsyncEnumerable();

    public static CompletionRequest Request(string question = "What is the capital of France?", int attempt = 1, int? maxOutputTokens = null, Guid? requestId = null) =>
        new(requestId ?? new Guid("6f1c2a57-0000-4000-8000-000000000001"), "gpt-4o-mini",
            [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, question)], maxOutputTokens, attempt);

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

/// <summary>The quiet Simulator options for tests outside this folder.</summary>
internal static class SimulatorHarnessOptions
{
    public static SimulatorOptions Quiet(Action<SimulatorOptions>? configure = null) => SimulatorHarness.QuietOptions(configure);
}
