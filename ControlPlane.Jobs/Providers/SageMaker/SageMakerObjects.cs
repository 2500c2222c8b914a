using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.S3.Model;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Errors;

namespace ControlPlane.Jobs.Providers.SageMaker;

/// <summary>
/// S3 through AWSSDK.S3, plus the AWS credentials both S3 and the runtime calls use (the standard chain unless the
/// options name a key). Missing objects come back as null / false; every other S3 failure becomes a ProviderException.
/// </summary>
internal sealed class SageMakerObjects
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SageMakerOptions _options;
    private readonly Lazy<AWSCredentials> _credentials;
    private readonly Lazy<AmazonS3Client> _s3;

    public SageMakerObjects(SageMakerOptions options)
    {
        _options = options;
        // PublicationOnly: a chain that finds no credentials now (e.g. before a role is attached) is asked again next time.
        _credentials = new(() => CredentialsFrom(options), LazyThreadSafetyMode.PublicationOnly);
        _s3 = new(() => new AmazonS3Client(_credentials.Value, S3Config(options)), LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>The resolved credentials; an empty chain is an authentication failure, not a crash.</summary>
    public async Task<ImmutableCredentials> CredentialsAsync()
    {
        try
        {
            return await _credentials.Value.GetCredentialsAsync();
        }
        catch (AmazonClientException error)
        {
            throw new ProviderException(ProviderIds.SageMaker, ProviderErrorClass.Authentication,
                $"No AWS credentials could be resolved for SageMaker: {error.Message}", null, null, error);
        }
    }

    public string Key(string batchId, string name) => $"{_options.S3Prefix.Trim('/')}/{batchId}/{name}";

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken) =>
        await CallAsync(() => _s3.Value.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.S3Bucket,
            Key = key,
            InputStream = content,
            AutoCloseStream = false,
            ContentType = "application/json",
            UseChunkEncoding = false,
        }, cancellationToken));

    public async Task PutBytesAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content);
        await PutAsync(key, stream, cancellationToken);
    }

    public Task PutJsonAsync<T>(string key, T value, CancellationToken cancellationToken) =>
        PutBytesAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, Json), cancellationToken);

    public async Task<T?> GetJsonAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        await using var stream = await OpenAsync(key, cancellationToken);
        return stream is null ? null : await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
    }

    /// <summary>The object's content as a stream the caller disposes, or null when it does not exist.</summary>
    public async Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken) =>
        await OpenAsync(_options.S3Bucket!, key, cancellationToken);

    public async Task<string?> ReadTextAsync(string s3Uri, CancellationToken cancellationToken)
    {
        var (bucket, key) = Parse(s3Uri);
        await using var stream = await OpenAsync(bucket, key, cancellationToken);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    public async Task<bool> ExistsAsync(string s3Uri, CancellationToken cancellationToken)
    {
        var (bucket, key) = Parse(s3Uri);
        try
        {
            await CallAsync(() => _s3.Value.GetObjectMetadataAsync(bucket, key, cancellationToken));
            return true;
        }
        catch (ProviderException error) when (error.StatusCode == 404)
        {
            return false;
        }
    }

    private async Task<Stream?> OpenAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await CallAsync(() => _s3.Value.GetObjectAsync(bucket, key, cancellationToken));
            return response.ResponseStream;
        }
        catch (ProviderException error) when (error.StatusCode == 404)
        {
            return null;
        }
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException error)
        {
            var status = (int)error.StatusCode;
            throw new ProviderException(ProviderIds.SageMaker,
                status == 404 ? ProviderErrorClass.InvalidRequest : ProviderErrors.Classify(status, error.ErrorCode),
                $"S3 answered {status} ({error.ErrorCode}): {error.Message}", status, null, error);
        }
        catch (AmazonClientException error)
        {
            // Raised before any answer came back (connection, DNS, credentials): worth another try later.
            throw new ProviderException(ProviderIds.SageMaker, ProviderErrorClass.ServerError, $"Could not reach S3: {error.Message}", null, null, error);
        }
    }

    private static (string Bucket, string Key) Parse(string s3Uri)
    {
        if (!s3Uri.StartsWith("s3://", StringComparison.Ordinal) || s3Uri.IndexOf('/', 5) is var slash && slash < 0)
        {
            throw new ProviderException(ProviderIds.SageMaker, ProviderErrorClass.ServerError, $"'{s3Uri}' is not an s3:// location.");
        }
        return (s3Uri[5..slash], s3Uri[(slash + 1)..]);
    }

    private static AWSCredentials CredentialsFrom(SageMakerOptions options) =>
        !string.IsNullOrWhiteSpace(options.AccessKeyId) && !string.IsNullOrWhiteSpace(options.SecretAccessKey)
            ? string.IsNullOrWhiteSpace(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken)
            // The standard chain: environment, shared profile, SSO, web identity, container and instance roles.
            : DefaultAWSCredentialsIdentityResolver.GetCredentials();

    private static AmazonS3Config S3Config(SageMakerOptions options)
    {
        var config = new AmazonS3Config
        {
            // Only compute checksums S3 insists on: keeps uploads plain (no aws-chunked trailers) for S3-compatible stores.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 2,
        };
        if (options.S3ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return config;
    }
}
