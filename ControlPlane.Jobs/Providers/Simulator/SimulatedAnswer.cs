using System.Text;
using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>The token rules and synthetic answer text shared by real-time calls and batch results.</summary>
internal static class SimulatedAnswer
{
    public const int DefaultMaxOutputTokens = 512;

    private static readonly string[] Filler =
    [
        "No model was called; the Simulator wrote this reply.",
        "Its length follows the simulated output token count.",
        "The same seed and request always give the same text.",
        "Configure a provider connection to get real answers.",
        "This sentence only pads the reply to a realistic size.",
        "Latency, errors and tokens are drawn from the configured rates.",
    ];

    /// <summary>About four characters per token, plus a few tokens of framing per message.</summary>
    public static int CountInputTokens(IReadOnlyList<ChatMessage> messages)
    {
        long chars = 0;
        foreach (var message in messages)
        {
            chars += message.Content.Length;
        }
        return (int)Math.Min(int.MaxValue, (chars + 3) / 4 + 4L * messages.Count);
    }

    public static int DrawOutputTokens(StableRandom random, int? maxOutputTokens)
    {
        var cap = Math.Max(1, maxOutputTokens ?? DefaultMaxOutputTokens);
        var floor = Math.Min(cap, 16);
        return floor + random.NextInt(cap - floor + 1);
    }

    public static string Write(StableRandom random, string provider, string model, IReadOnlyList<ChatMessage> messages, int outputTokens)
    {
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Content ?? "";
        question = question.ReplaceLineEndings(" ");
        if (question.Length > 60)
        {
            question = question[..60];
        }

        var text = new StringBuilder($"Simulated answer from {provider}/{model} to: \"{question}\".");
        var targetChars = outputTokens * 4;
        while (text.Length + 1 < targetChars)
        {
            text.Append(' ').Append(Filler[random.NextInt(Filler.Length)]);
        }
        return text.ToString();
    }
}
