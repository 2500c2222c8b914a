using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// The Simulator's batch files: <c>{data}/simulator/{batch id}/</c> holding input.jsonl, schedule.json and meta.json.
/// meta.json is written last, so a folder without it is a submission that never completed and is ignored.
/// </summary>
internal sealed partial class SimulatedBatchStore(DataPaths dataPaths)
{
    public const string IdPrefix = "simbatch_";

    private const string InputFile = "input.jsonl";
    private const string ScheduleFile = "schedule.json";
    private const string MetaFile = "meta.json";
    private const string ReferencesFolder = "references";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private string Root => dataPaths.Folder("simulator");

    public static string NewId(DateTimeOffset now) => IdPrefix + Guid.CreateVersion7(now).ToString("N");

    /// <summary>The batch's folder, or null when the id is not one of ours; the check also keeps ids from naming paths outside the store.</summary>
    public string? FolderOf(string providerBatchId) =>
        BatchIdPattern().IsMatch(providerBatchId) ? Path.Combine(Root, providerBatchId) : null;

    public string CreateFolder(string providerBatchId)
    {
        var folder = FolderOf(providerBatchId) ?? throw new ArgumentException($"'{providerBatchId}' is not a Simulator batch id.", nameof(providerBatchId));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes input.jsonl one line per item as the items arrive, so a batch of any size needs little memory.</summary>
    public static async Task<int> WriteInputAsync(
        string folder, IAsyncEnumerable<BatchItem> items, Action<BatchItem> onItem, CancellationToken cancellationToken)
    {
        var count = 0;
        await using var stream = new FileStream(
            Path.Combine(folder, InputFile), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            onItem(item);
            await JsonSerializer.SerializeAsync(stream, new SimulatedBatchLine(item.CustomId, item.Messages, item.MaxOutputTokens), Json, cancellationToken);
            stream.WriteByte((byte)'\n');
            count++;
        }
        return count;
    }

    public static async IAsyncEnumerable<SimulatedBatchLine> ReadInputAsync(string folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(new FileStream(
            Path.Combine(folder, InputFile), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            yield return JsonSerializer.Deserialize<SimulatedBatchLine>(line, Json)
                ?? throw new InvalidDataException($"An empty line object in {Path.Combine(folder, InputFile)}.");
        }
    }

    public static Task WriteScheduleAsync(string folder, SimulatedBatchSchedule schedule, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(Path.Combine(folder, ScheduleFile), schedule, cancellationToken);

    public static Task WriteMetaAsync(string folder, SimulatedBatchMeta meta, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(Path.Combine(folder, MetaFile), meta, cancellationToken);

    public static Task<SimulatedBatchSchedule?> ReadScheduleAsync(string folder, CancellationToken cancellationToken) =>
        ReadAsync<SimulatedBatchSchedule>(Path.Combine(folder, ScheduleFile), cancellationToken);

    public static Task<SimulatedBatchMeta?> ReadMetaAsync(string folder, CancellationToken cancellationToken) =>
        ReadAsync<SimulatedBatchMeta>(Path.Combine(folder, MetaFile), cancellationToken);

    /// <summary>
    /// Remembers which batch carries a client reference (the latest submitted wins), so finding it is one file read
    /// instead of a scan of every batch ever submitted, which grows with every minute of demo traffic. Written before
    /// meta.json: a batch that exists can always be found.
    /// </summary>
    public Task WriteReferenceAsync(string provider, string model, string clientReference, string providerBatchId, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(ReferenceFile(provider, model, clientReference), providerBatchId, cancellationToken);

    /// <summary>The batch id last submitted with this provider, model and client reference, or null.</summary>
    public Task<string?> ReadReferenceAsync(string provider, string model, string clientReference, CancellationToken cancellationToken) =>
        ReadAsync<string>(ReferenceFile(provider, model, clientReference), cancellationToken);

    // Hashed: a client reference is the caller's text and must not name a path. A collision is caught by the meta check.
    private string ReferenceFile(string provider, string model, string clientReference) =>
        Path.Combine(dataPaths.Folder(Path.Combine("simulator", ReferencesFolder)),
            StableRandom.Hash(provider, model, clientReference).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + ".json");

    private static async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
    }

    // Write-then-rename: a reader sees the old file or the new one, never half of one.
    private static async Task WriteAtomicallyAsync<T>(string path, T value, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, value, Json, cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex("^simbatch_[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchIdPattern();
}
