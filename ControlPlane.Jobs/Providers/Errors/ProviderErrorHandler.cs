namespace ControlPlane.Jobs.Providers.Errors;

/// <summary>
/// Sits in an adapter's HttpClient and turns every failed answer into a <see cref="Domain.Abstractions.ProviderException"/>
/// while the response headers are still at hand: SDKs that wrap errors (Anthropic's keeps only status and body) would
/// otherwise lose <c>retry-after</c>. It never retries.
/// </summary>
public sealed class ProviderErrorHandler(string provider, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception error) when (ProviderErrors.FromException(provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ProviderErrors.FromResponseAsync(provider, response, timeProvider, cancellationToken);
        }
    }
}
