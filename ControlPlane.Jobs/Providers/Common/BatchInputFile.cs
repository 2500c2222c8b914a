using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Errors;

namespace ControlPlane.Jobs.Providers.Common;

/// <summary>
/// A batch's items written one by one to a temporary file that deletes itself when disposed, so a batch of
/// 50 000 requests never sits in memory as one string. Adapters upload or send the file as a stream.
/// </summary>
public sealed class BatchInputFile : IAsyncDisposable
{
    private BatchInputFile(FileStream stream, int count, long bytes)
    {
        Stream = stream;
        Count = count;
        Bytes = bytes;
    }

    /// <summary>Positioned at the start, ready to be read.</summary>
    public FileStream Stream { get; }

    public int Count { get; }

    public long Bytes { get; }

    /// <summary>
    /// Writes each item with <paramref name="writeItem"/> (between <paramref name="prefix"/> and <paramref name="suffix"/>,
    /// separated by <paramref name="separator"/>), checking the provider's request and size limits as it goes.
    /// </summary>
    public static async Task<BatchInputFile> WriteAsync<TItem>(
        string provider,
        IAsyncEnumerable<TItem> items,
        int maxRequests,
        long maxBytes,
        Action<Utf8JsonWriter, TItem> writeItem,
        CancellationToken cancellationToken,
        string prefix = "",
        string separator = "\n",
        string suffix = "\n")
    {
        var path = Path.Combine(Path.GetTempPath(), $"controlplane-{provider}-{Guid.NewGuid():N}.jsonl");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            var count = 0;
            await WriteTextAsync(stream, prefix, cancellationToken);
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                if (++count > maxRequests)
                {
                    throw new ProviderException(provider, ProviderErrorClass.InvalidRequest,
                        $"A batch at {provider} may hold at most {maxRequests} requests.", 400);
                }
                if (count > 1)
                {
                    await WriteTextAsync(stream, separator, cancellationToken);
                }
                await using (var writer = new Utf8JsonWriter(stream))
                {
                    writeItem(writer, item);
                }
                if (stream.Length > maxBytes)
                {
                    throw new ProviderException(provider, ProviderErrorClass.InvalidRequest,
                        $"A batch at {provider} may carry at most {maxBytes / (1024 * 1024)} MB of input.", 400);
                }
            }
            if (count == 0)
            {
                throw new ProviderException(provider, ProviderErrorClass.InvalidRequest, "A batch needs at least one request.", 400);
            }
            await WriteTextAsync(stream, suffix, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            var bytes = stream.Length;
            stream.Position = 0;
            return new BatchInputFile(stream, count, bytes);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    private static ValueTask WriteTextAsync(Stream stream, string text, CancellationToken cancellationToken) =>
        text.Length == 0 ? ValueTask.CompletedTask : stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
}
