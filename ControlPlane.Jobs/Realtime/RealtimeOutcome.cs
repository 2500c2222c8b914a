using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Jobs.Realtime;

/// <summary>What to run: the request, and the models to try in order (primary first, then the fallback chain).</summary>
public sealed record RealtimeCall(
    Guid RequestId,
    IReadOnlyList<ModelRef> Candidates,
    IReadOnlyList<ChatMessage> Messages,
    int? MaxOutputTokens);

/// <summary>One provider call. <paramref name="RetryDelay"/> is the wait before the next try on the same model, if any.</summary>
public sealed record AttemptRecord(
    int Attempt,
    ModelRef Model,
    DateTimeOffset StartedAt,
    TimeSpan Latency,
    ProviderErrorClass? ErrorClass,
    string? Error,
    TimeSpan? RetryDelay);

/// <summary>The executor left <paramref name="From"/> for <paramref name="To"/>, for <paramref name="Reason"/>.</summary>
public sealed record ModelSwitch(ModelRef From, ModelRef To, string Reason, DateTimeOffset At);

/// <summary>What happened on one candidate, for the 503 a caller sees when every candidate failed.</summary>
public sealed record TriedModel(string Model, int Attempts, string Outcome);

public sealed record RealtimeOutcome(
    CompletionResult? Result,
    ModelRef? ServedBy,
    IReadOnlyList<AttemptRecord> Attempts,
    IReadOnlyList<ModelSwitch> Switches,
    IReadOnlyList<TriedModel> Tried,
    ProviderErrorClass? FinalErrorClass,
    string? FinalError)
{
    public bool Succeeded => Result is not null;

    /// <summary>The provider refused the request itself (bad input): no other model will accept it either.</summary>
    public bool RejectedAsInvalid => FinalErrorClass == ProviderErrorClass.InvalidRequest;
}
