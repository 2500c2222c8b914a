namespace ControlPlane.Domain.Providers;

/// <summary>The provider identifiers used in model references, prices and connections.</summary>
public static class ProviderIds
{
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string Gemini = "gemini";
    public const string VertexAI = "vertex";
    public const string SageMaker = "sagemaker";
    public const string Simulator = "simulator";

    public static readonly IReadOnlyList<string> All = [OpenAI, Anthropic, Gemini, VertexAI, SageMaker, Simulator];

    public static string DisplayName(string provider) => provider switch
    {
        OpenAI => "OpenAI",
        Anthropic => "Anthropic",
        Gemini => "Google Gemini API",
        VertexAI => "Google Vertex AI",
        SageMaker => "AWS SageMaker",
        Simulator => "Simulator",
        _ => provider,
    };
}
