using Google.Apis.Auth.OAuth2;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Jobs.Providers.Vertex;

/// <summary>
/// OAuth access tokens for the service account, scoped to cloud-platform. Google.Apis.Auth caches the token and
/// refreshes it shortly before it expires, so one instance per adapter is enough. The key's <c>token_uri</c> is honoured,
/// which is how the tests point it at a loopback token endpoint.
/// </summary>
public sealed class VertexAccessToken(VertexOptions options)
{
    private readonly Lazy<ITokenAccess> _credential = new(() => Create(options));

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _credential.Value.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw error as ProviderException ?? new ProviderException(ProviderIds.VertexAI, ProviderErrorClass.Authentication,
                $"Could not get a Google access token for the Vertex AI service account: {error.Message}", null, null, error);
        }
    }

    /// <summary>Whether the key is a service-account key at all, checked when a connection is saved rather than at the first call.</summary>
    public static bool LooksLikeServiceAccountKey(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == System.Text.Json.JsonValueKind.Object &&
                root.TryGetProperty("type", out var type) && type.ValueKind == System.Text.Json.JsonValueKind.String && type.GetString() == "service_account" &&
                root.TryGetProperty("client_email", out _) && root.TryGetProperty("private_key", out _);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static ITokenAccess Create(VertexOptions options)
    {
        var json = !string.IsNullOrWhiteSpace(options.ServiceAccountJson)
            ? options.ServiceAccountJson
            : File.ReadAllText(options.CredentialsFile ?? throw new ProviderException(ProviderIds.VertexAI,
                ProviderErrorClass.Authentication, $"No service account is configured ({VertexOptions.SectionName}:ServiceAccountJson or CredentialsFile)."));
        // Only a service-account key is accepted: loading arbitrary credential types from configuration is what
        // GoogleCredential.FromJson was deprecated for.
        return CredentialFactory.FromJson<ServiceAccountCredential>(json).ToGoogleCredential().CreateScoped(VertexOptions.Scope);
    }
}
