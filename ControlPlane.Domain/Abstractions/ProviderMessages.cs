namespace ControlPlane.Domain.Abstractions;

public enum ChatRole { System, User, Assistant }

public sealed record ChatMessage(ChatRole Role, string Content);

/// <param name="RequestId">Our request id; adapters may pass it on as a correlation id.</param>
/// <param name="Attempt">1 for the first try, incremented on every retry of the same request.</param>
public sealed record CompletionRequest(
    Guid RequestId,
    string Model,
    IReadOnlyList<ChatMessage> Messages,
    int? MaxOutputTokens,
    int Attempt = 1);

public sealed record TokenUsage(int InputTokens, int OutputTokens);

public sealed record CompletionResult(string Output, TokenUsage Usage, string? FinishReason, TimeSpan Latency);

/// <summary>One line of a batch: <paramref name="CustomId"/> matches the result back to our request.</summary>
public sealed record BatchItem(string CustomId, IReadOnlyList<ChatMessage> Messages, int? MaxOutputTokens);

public sealed record BatchSubmission(string Model, string ClientReference, IAsyncEnumerable<BatchItem> Items);

/// <summary>The provider's view of a batch, already mapped to our vocabulary.</summary>
/// <param name="RawStatus">The provider's own status word, kept for display and for the mapping tables.</param>
public sealed record ProviderBatchStatus(
    string ProviderBatchId,
    ProviderBatchState State,
    string RawStatus,
    int Total,
    int Completed,
    int Failed,
    bool HasResults,
    string? Error = null);

/// <summary>Provider-side batch states, normalised across providers.</summary>
public enum ProviderBatchState
{
    Validating,
    InProgress,
    Finalizing,
    Completed,
    Failed,
    Expired,
    Cancelling,
    Cancelled,
}

public enum BatchItemOutcome { Succeeded, Errored, Cancelled, Expired }

public sealed record BatchResultItem(
    string CustomId,
    BatchItemOutcome Outcome,
    string? Output,
    TokenUsage? Usage,
    ProviderErrorClass? ErrorClass,
    string? Error);
