using System.Text.Json;

namespace ControlPlane.Jobs.Providers.Anthropic;

/// <summary>
/// A local note per submission, so an in-progress Message Batch can be found again after a crash: Anthropic's batch
/// list shows no items or metadata, so the tagged custom ids only identify a batch once it has ended. The note is
/// written (reference, model, time, item count) before the create call and completed with the batch id after it.
/// </summary>
internal sealed class AnthropicSubmissionJournal(string folder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal sealed record Entry(string ClientReference, string Model, DateTimeOffset SubmittedAt, int Count, string? BatchId);

    public async Task WriteAsync(string tag, Entry entry, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = PathOf(tag);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, Json), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<Entry?> ReadAsync(string tag, CancellationToken cancellationToken)
    {
        var path = PathOf(tag);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<Entry>(await File.ReadAllBytesAsync(path, cancellationToken), Json)
            : null;
    }

    /// <summary>Batch ids already claimed by other submissions, so a candidate is never handed to two references.</summary>
    public async Task<HashSet<string>> ClaimedAsync(CancellationToken cancellationToken)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return claimed;
        }
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            var entry = JsonSerializer.Deserialize<Entry>(await File.ReadAllBytesAsync(path, cancellationToken), Json);
            if (entry?.BatchId is { } id)
            {
                claimed.Add(id);
            }
        }
        return claimed;
    }

    private string PathOf(string tag) => Path.Combine(folder, $"{tag}.json");
}
