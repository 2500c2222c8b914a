using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Anthropic;
using ControlPlane.Jobs.Providers.Errors;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Jobs.Providers.Vertex;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Providers;

/// <summary>One non-secret setting of a connection; <see cref="Key"/> is the options property it binds to.</summary>
public sealed record ConnectionField(string Key, string Label, bool Required = false, string? Hint = null);

/// <summary>What a connection form asks for, per provider: its settings and its one secret.</summary>
public sealed record ConnectionSchema(string Provider, IReadOnlyList<ConnectionField> Settings, string SecretKey, string SecretLabel, bool SecretRequired)
{
    /// <summary>The providers a saved connection can switch on: those with a real adapter in this build.</summary>
    public static IReadOnlyList<string> Supported { get; } = [ProviderIds.OpenAI, ProviderIds.Anthropic, ProviderIds.Gemini, ProviderIds.VertexAI, ProviderIds.SageMaker];

    public static ConnectionSchema? For(string provider) => provider switch
    {
        ProviderIds.OpenAI => new(provider,
            [new("BaseUrl", "Base URL", Hint: "https://api.openai.com/v1, or an Azure OpenAI / compatible v1 endpoint"), new("Organization", "Organization"), new("Project", "Project")],
            "ApiKey", "API key", SecretRequired: true),
        ProviderIds.Anthropic => new(provider, [new("BaseUrl", "Base URL", Hint: "https://api.anthropic.com")], "ApiKey", "API key", SecretRequired: true),
        ProviderIds.Gemini => new(provider, [new("BaseUrl", "Base URL", Hint: "https://generativelanguage.googleapis.com")], "ApiKey", "API key", SecretRequired: true),
        ProviderIds.VertexAI => new(provider,
            [new("ProjectId", "Project id", Required: true), new("Location", "Location", Hint: "e.g. us-central1"),
             new("Bucket", "Cloud Storage bucket", Hint: "for batch inputs and results"), new("BucketPrefix", "Bucket prefix"),
             new("BaseUrl", "Base URL", Hint: "empty: https://{location}-aiplatform.googleapis.com")],
            "ServiceAccountJson", "Service account key (JSON)", SecretRequired: true),
        ProviderIds.SageMaker => new(provider,
            [new("Region", "Region", Required: true, Hint: "e.g. eu-west-1"), new("S3Bucket", "S3 bucket", Hint: "for batch inputs and results"),
             new("S3Prefix", "S3 prefix"), new("RuntimeUrl", "Runtime endpoint URL", Hint: "VPC endpoint; empty for the public one"),
             new("S3ServiceUrl", "S3 endpoint URL"), new("AccessKeyId", "Access key id", Hint: "empty: the standard AWS credential chain")],
            "SecretAccessKey", "Secret access key", SecretRequired: false),
        _ => null,
    };

    public static IReadOnlyDictionary<string, string> ParseSettings(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}

/// <summary>
/// Builds a real adapter from a saved connection (settings + revealed secret) — the same options classes and adapters
/// the environment configuration uses, validated the same way, so a connection is either complete or refused.
/// </summary>
public sealed class ConnectionAdapterFactory(IHttpMessageHandlerFactory handlers, TimeProvider timeProvider, DataPaths dataPaths)
{
    /// <exception cref="ValidationException">A setting is missing or malformed; the message names it, never the secret.</exception>
    public IInferenceProvider Build(string provider, IReadOnlyDictionary<string, string> settings, string? secret)
    {
        var schema = ConnectionSchema.For(provider) ?? throw new ValidationException($"{ProviderIds.DisplayName(provider)} has no adapter in this build.");
        var values = settings.Where(s => !string.IsNullOrWhiteSpace(s.Value)).ToDictionary(s => s.Key, s => (string?)s.Value.Trim());
        values[schema.SecretKey] = string.IsNullOrEmpty(secret) ? null : secret;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return provider switch
        {
            ProviderIds.OpenAI => new OpenAIProvider(Clients(OpenAIProvider.HttpClientName, null, TimeSpan.FromMinutes(30)),
                Options(Bind<OpenAIOptions>(configuration, o => o.IsConfigured, schema)), timeProvider),
            ProviderIds.Anthropic => new AnthropicProvider(Clients(AnthropicProvider.HttpClientName, provider, TimeSpan.FromMinutes(30)),
                Options(Bind<AnthropicOptions>(configuration, o => o.IsConfigured, schema)), timeProvider, dataPaths),
            ProviderIds.Gemini => BuildGemini(configuration, schema),
            ProviderIds.VertexAI => BuildVertex(configuration, schema),
            ProviderIds.SageMaker => BuildSageMaker(configuration, schema),
            _ => throw new ValidationException($"{ProviderIds.DisplayName(provider)} has no adapter in this build."),
        };
    }

    private GeminiProvider BuildGemini(IConfiguration configuration, ConnectionSchema schema)
    {
        var options = Bind<GeminiOptions>(configuration, o => o.IsConfigured, schema);
        return new GeminiProvider(Clients(GeminiProvider.HttpClientName, ProviderIds.Gemini, options.Timeout), Options(options), timeProvider);
    }

    private VertexProvider BuildVertex(IConfiguration configuration, ConnectionSchema schema)
    {
        var options = Bind<VertexOptions>(configuration, o => o.IsConfigured, schema);
        if (!VertexAccessToken.LooksLikeServiceAccountKey(options.ServiceAccountJson ?? ""))
        {
            throw new ValidationException("The service account key must be a Google service-account JSON key (\"type\": \"service_account\", with client_email and private_key).");
        }
        return new VertexProvider(Clients(VertexProvider.HttpClientName, ProviderIds.VertexAI, options.Timeout), Options(options), timeProvider);
    }

    private SageMakerProvider BuildSageMaker(IConfiguration configuration, ConnectionSchema schema)
    {
        var options = Bind<SageMakerOptions>(configuration, o => o.IsConfigured, schema);
        return new SageMakerProvider(Clients(SageMakerProvider.HttpClientName, ProviderIds.SageMaker, options.Timeout), Options(options), timeProvider);
    }

    private static T Bind<T>(IConfiguration configuration, Func<T, bool> isConfigured, ConnectionSchema schema) where T : class, new()
    {
        var options = new T();
        configuration.Bind(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ValidationException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
        if (!isConfigured(options))
        {
            var missing = schema.Settings.FirstOrDefault(f => f.Required)?.Label ?? schema.SecretLabel;
            throw new ValidationException($"{missing} is required.");
        }
        return options;
    }

    private static IOptions<T> Options<T>(T value) where T : class => Microsoft.Extensions.Options.Options.Create(value);

    private ConnectionHttpClients Clients(string name, string? errorsFor, TimeSpan timeout) => new(handlers, name, errorsFor, timeout, timeProvider);

    /// <summary>
    /// The named clients of an environment-configured adapter carry the error-mapping handler and timeout; a connection
    /// built at run time gets the same pipeline here, on the factory's pooled handler (so no socket exhaustion).
    /// </summary>
    private sealed class ConnectionHttpClients(IHttpMessageHandlerFactory handlers, string name, string? errorsFor, TimeSpan timeout, TimeProvider timeProvider)
        : IHttpClientFactory
    {
        public HttpClient CreateClient(string clientName)
        {
            var inner = handlers.CreateHandler(name);
            HttpMessageHandler handler = errorsFor is null ? inner : new ProviderErrorHandler(errorsFor, timeProvider) { InnerHandler = inner };
            // The pooled handler belongs to the factory; disposing this client must not dispose it.
            return new HttpClient(handler, disposeHandler: false) { Timeout = timeout };
        }
    }
}
