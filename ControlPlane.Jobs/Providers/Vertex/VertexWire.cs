using System.Globalization;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;
using ControlPlane.Jobs.Providers.Gemini;

namespace ControlPlane.Jobs.Providers.Vertex;

/// <summary>
/// The Vertex AI batch wire format. Requests and answers are Gemini's GenerateContentRequest / Response
/// (<see cref="GeminiWire"/>); what differs is the BatchPredictionJob resource and its JSONL files in Cloud Storage.
/// </summary>
internal static class VertexWire
{
    public const string DisplayNamePrefix = "controlplane-";

    /// <summary>A job label carrying the number of requests we uploaded: Vertex reports counts only once rows finish.</summary>
    public const string RequestCountLabel = "controlplane-requests";

    /// <summary>The one mapping table from <c>JOB_STATE_*</c> to our states (docs/providers.md repeats it).</summary>
    public static ProviderBatchState State(string state) => state switch
    {
        "JOB_STATE_QUEUED" or "JOB_STATE_PENDING" => ProviderBatchState.Validating,
        "JOB_STATE_RUNNING" or "JOB_STATE_UPDATING" or "JOB_STATE_PAUSED" => ProviderBatchState.InProgress,
        "JOB_STATE_SUCCEEDED" or "JOB_STATE_PARTIALLY_SUCCEEDED" => ProviderBatchState.Completed,
        "JOB_STATE_FAILED" => ProviderBatchState.Failed,
        "JOB_STATE_CANCELLING" => ProviderBatchState.Cancelling,
        "JOB_STATE_CANCELLED" => ProviderBatchState.Cancelled,
        "JOB_STATE_EXPIRED" => ProviderBatchState.Expired,
        _ => ProviderBatchState.InProgress,
    };

    public static bool IsTerminal(ProviderBatchState state) =>
        state is ProviderBatchState.Completed or ProviderBatchState.Failed or ProviderBatchState.Cancelled or ProviderBatchState.Expired;

    /// <summary>The request label that carries our custom id inside the echoed <c>request</c>.</summary>
    public const string KeyLabel = "controlplane_key";

    /// <summary>
    /// One input line: <c>{"key": customId, "request": GenerateContentRequest}</c>. The id also travels as a request
    /// label (our ids are GUIDs, valid label values), because the output row always echoes <c>request</c> while Google
    /// documents no guarantee for extra top-level fields.
    /// </summary>
    public static void WriteInputLine(Utf8JsonWriter writer, BatchItem item)
    {
        writer.WriteStartObject();
        writer.WriteString("key", item.CustomId);
        writer.WritePropertyName("request");
        GeminiWire.WriteRequest(writer, item.Messages, item.MaxOutputTokens,
            IsLabelValue(item.CustomId) ? new Dictionary<string, string> { [KeyLabel] = item.CustomId } : null);
        writer.WriteEndObject();
    }

    /// <summary>Google label values: at most 63 lowercase letters, digits, underscores and dashes.</summary>
    private static bool IsLabelValue(string value) =>
        value.Length <= 63 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    public static byte[] CreateJobBody(string model, string clientReference, int requestCount, string inputUri, string outputUriPrefix) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["displayName"] = DisplayNamePrefix + clientReference,
            ["model"] = $"publishers/google/models/{model}",
            ["inputConfig"] = new { instancesFormat = "jsonl", gcsSource = new { uris = new[] { inputUri } } },
            ["outputConfig"] = new { predictionsFormat = "jsonl", gcsDestination = new { outputUriPrefix } },
            ["labels"] = new Dictionary<string, string> { [RequestCountLabel] = requestCount.ToString(CultureInfo.InvariantCulture) },
        });

    public static ProviderBatchStatus Status(JsonElement job)
    {
        var raw = job.Text("state") ?? "JOB_STATE_UNSPECIFIED";
        var state = State(raw);
        var stats = job.Child("completionStats");
        var (succeeded, failed, incomplete) = (stats.Int("successfulCount"), stats.Int("failedCount"), stats.Int("incompleteCount"));
        var uploaded = job.Child("labels").Text(RequestCountLabel) is { } label &&
            int.TryParse(label, CultureInfo.InvariantCulture, out var count) ? count : 0;
        var total = Math.Max(uploaded, succeeded + failed + incomplete);
        // Finished rows are exported as the job runs, but the files are only complete once the job has ended.
        var hasResults = IsTerminal(state) && succeeded + failed > 0 && OutputDirectory(job) is not null;
        return new ProviderBatchStatus(Id(job.Text("name") ?? ""), state, raw, total, succeeded, failed, hasResults,
            job.Child("error").Text("message"));
    }

    /// <summary><c>gs://bucket/path</c> of the job's output, once Vertex has created it.</summary>
    public static string? OutputDirectory(JsonElement job) => job.Child("outputInfo").Text("gcsOutputDirectory");

    /// <summary>"projects/p/locations/l/batchPredictionJobs/123" → "123"; paths add the prefix back.</summary>
    public static string Id(string name) => name[(name.LastIndexOf('/') + 1)..];

    public static (string Bucket, string Prefix) ParseGcsUri(string uri)
    {
        var path = uri.StartsWith("gs://", StringComparison.Ordinal) ? uri["gs://".Length..] : uri;
        var slash = path.IndexOf('/');
        return slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
    }

    /// <summary>
    /// One output line: <c>{"key", "request", "status", "processed_time", "response"}</c>. A row that failed has no
    /// response and a non-empty <c>status</c> (an error text, or a google.rpc.Status object).
    /// </summary>
    public static BatchResultItem? ResultItem(JsonElement line)
    {
        var key = line.Text("key") ?? line.Child("request").Child("labels").Text(KeyLabel);
        if (key is null)
        {
            return null;
        }
        var response = line.Child("response");
        var status = line.Child("status");
        var statusText = status.ValueKind == JsonValueKind.String ? status.GetString() : null;
        if (response.Exists() && string.IsNullOrEmpty(statusText) && status.ValueKind != JsonValueKind.Object)
        {
            var (output, usage, _) = GeminiWire.Answer(response);
            return new BatchResultItem(key, BatchItemOutcome.Succeeded, output, usage, null, null);
        }
        var message = status.ValueKind == JsonValueKind.Object ? status.Text("message") : statusText;
        var word = status.ValueKind == JsonValueKind.Object
            ? status.Text("status") ?? GeminiWire.GrpcCodeName(status.Int("code"))
            : GoogleStatusWords.FirstOrDefault(w => statusText?.Contains(w, StringComparison.Ordinal) == true);
        return new BatchResultItem(key, BatchItemOutcome.Errored, null, null,
            ProviderErrors.Classify(null, word), string.IsNullOrEmpty(message) ? "The request failed." : message);
    }

    private static readonly string[] GoogleStatusWords =
        ["RESOURCE_EXHAUSTED", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "PERMISSION_DENIED",
         "UNAUTHENTICATED", "DEADLINE_EXCEEDED", "UNAVAILABLE", "INTERNAL"];
}
