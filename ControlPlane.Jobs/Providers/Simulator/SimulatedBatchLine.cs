using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>One line of a simulated batch's input.jsonl.</summary>
internal sealed record SimulatedBatchLine(string CustomId, IReadOnlyList<ChatMessage> Messages, int? MaxTokens);
