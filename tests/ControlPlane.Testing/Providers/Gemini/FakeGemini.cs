using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Testing.Providers.Gemini;

/// <summary>
/// A loopback Gemini API (v1beta): <c>models/{model}:generateContent</c>, <c>models/{model}:batchGenerateContent</c>
/// (inline requests or an uploaded JSONL file), <c>batches/{id}</c>, <c>batches/{id}:cancel</c> and <c>batches</c>,
/// answering batches as long-running operations; the File API's resumable upload (<c>upload/v1beta/files</c>) and the
/// download of a batch's <c>responsesFile</c> (<c>download/v1beta/files/{id}:download?alt=media</c>).
/// </summary>
public sealed class FakeGemini : IAsyncDisposable
{
    public const string ApiKey = "AIza-test-0000";
    private const string BatchType = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch";

    private readonly ConcurrentDictionary<string, JsonObject> _operations = new();
    private readonly ConcurrentDictionary<string, (string DisplayName, long Length)> _uploads = new();
    private int _next;

    /// <summary>Files by name (<c>files/…</c>): uploaded batch inputs and the responses files batches write.</summary>
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    private FakeGemini(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public Func<IResult> Generate { get; set; } = () => FakeResponses.Json(Response("Paris.", 21, 2));

    public static async Task<FakeGemini> StartAsync()
    {
        FakeGemini? fake = null;
        var server = await LoopbackServer.StartAsync(app => Map(app, () => fake!));
        fake = new FakeGemini(server);
        return fake;
    }

    public TimeSpan GenerateDelay { get; set; }

    /// <param name="maxInlineBatchBytes">Lowers the inline limit (20 MB by default) so a small batch takes the File API path.</param>
    public GeminiProvider Provider(string timeout = "00:02:00", long? maxInlineBatchBytes = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{GeminiOptions.SectionName}:ApiKey"] = ApiKey,
            [$"{GeminiOptions.SectionName}:BaseUrl"] = Server.BaseAddress.ToString(),
            [$"{GeminiOptions.SectionName}:Timeout"] = timeout,
        };
        if (maxInlineBatchBytes is { } limit)
        {
            settings[$"{GeminiOptions.SectionName}:MaxInlineBatchBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddGeminiProvider(configuration);
        return (GeminiProvider)services.BuildServiceProvider().GetServices<IInferenceProvider>().Single();
    }

    /// <summary>A GenerateContentResponse; <paramref name="thoughtsTokens"/> (a thinking model's, billed as output) only when above 0.</summary>
    public static object Response(string text, int promptTokens, int candidatesTokens, string finishReason = "STOP", int thoughtsTokens = 0) => new
    {
        candidates = new[] { new { content = new { parts = new[] { new { text } }, role = "model" }, finishReason, index = 0 } },
        usageMetadata = thoughtsTokens > 0
            ? new Dictionary<string, int>
            {
                ["promptTokenCount"] = promptTokens, ["candidatesTokenCount"] = candidatesTokens, ["thoughtsTokenCount"] = thoughtsTokens,
                ["totalTokenCount"] = promptTokens + candidatesTokens + thoughtsTokens,
            }
            : new Dictionary<string, int>
            {
                ["promptTokenCount"] = promptTokens, ["candidatesTokenCount"] = candidatesTokens, ["totalTokenCount"] = promptTokens + candidatesTokens,
            },
        modelVersion = "gemini-2.5-flash",
    };

    public JsonObject Batch(string id) => _operations[id]["metadata"]!.AsObject();

    /// <summary>Sets state and stats; inline responses (JSON objects) become the operation's response.</summary>
    public void Advance(string id, string state, int succeeded, int failed, IEnumerable<object>? inlinedResponses = null)
    {
        var operation = _operations[id];
        var batch = operation["metadata"]!.AsObject();
        var total = int.Parse(batch["batchStats"]!["requestCount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        batch["state"] = state;
        batch["batchStats"] = new JsonObject
        {
            ["requestCount"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["successfulRequestCount"] = succeeded.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["failedRequestCount"] = failed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pendingRequestCount"] = (total - succeeded - failed).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        operation["done"] = state is "BATCH_STATE_SUCCEEDED" or "BATCH_STATE_FAILED" or "BATCH_STATE_CANCELLED" or "BATCH_STATE_EXPIRED";
        if (inlinedResponses is not null)
        {
            operation["response"] = new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput",
                ["inlinedResponses"] = new JsonObject { ["inlinedResponses"] = JsonSerializer.SerializeToNode(inlinedResponses) },
            };
        }
    }

    /// <summary>Finishes a batch with File API input: its responses go to a JSONL file named by <c>response.responsesFile</c>.</summary>
    public string AdvanceWithResponsesFile(string id, string state, int succeeded, int failed, IEnumerable<string> lines)
    {
        Advance(id, state, succeeded, failed);
        var name = $"files/batch-{id}-responses";
        Files[name] = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        _operations[id]["response"] = new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput",
            ["responsesFile"] = name,
        };
        return name;
    }

    /// <summary>A responses-file line for a request that succeeded: <c>{"key": …, "response": GenerateContentResponse}</c>.</summary>
    public static string SucceededLine(string key, string text, int promptTokens, int candidatesTokens, int thoughtsTokens = 0) =>
        JsonSerializer.Serialize(new { key, response = Response(text, promptTokens, candidatesTokens, thoughtsTokens: thoughtsTokens) });

    /// <summary>A responses-file line for a request that failed: <c>{"key": …, "error": google.rpc.Status}</c>.</summary>
    public static string FailedLine(string key, int grpcCode, string message) =>
        JsonSerializer.Serialize(new { key, error = new { code = grpcCode, message } });

    public static object Succeeded(string key, string text, int promptTokens, int candidatesTokens, int thoughtsTokens = 0) =>
        new { response = Response(text, promptTokens, candidatesTokens, thoughtsTokens: thoughtsTokens), metadata = new { key } };

    /// <summary>An inline response without its metadata: only its position (responses come in input order) names its request.</summary>
    public static object SucceededWithoutKey(string text, int promptTokens, int candidatesTokens) =>
        new { response = Response(text, promptTokens, candidatesTokens) };

    /// <summary>The <c>metadata.key</c> values of the batch's inline requests, in input order.</summary>
    public IReadOnlyList<string> InputKeys(string id) =>
        [.. Batch(id)["inputConfig"]!["requests"]!["requests"]!.AsArray().Select(r => r!["metadata"]!["key"]!.GetValue<string>())];

    public static object Failed(string key, int grpcCode, string message) =>
        new { error = new { code = grpcCode, message }, metadata = new { key } };

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static void Map(WebApplication app, Func<FakeGemini> fake)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers["x-goog-api-key"] != ApiKey)
            {
                await FakeResponses.Json(new { error = new { code = 400, message = "API key not valid. Please pass a valid API key.", status = "INVALID_ARGUMENT" } }, 400).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        // ASP.NET routing cannot split "gemini-2.5-flash:generateContent", so one route takes the whole segment.
        app.MapPost("/v1beta/models/{modelAndMethod}", async (string modelAndMethod, HttpRequest request) =>
        {
            var (model, method) = (modelAndMethod[..modelAndMethod.LastIndexOf(':')], modelAndMethod[(modelAndMethod.LastIndexOf(':') + 1)..]);
            if (method == "generateContent")
            {
                await Task.Delay(fake().GenerateDelay);
                return fake().Generate();
            }
            var body = (await JsonNode.ParseAsync(request.Body))!["batch"]!.AsObject();
            int count;
            if (body["inputConfig"]!["fileName"]?.GetValue<string>() is { } fileName)
            {
                if (!fake().Files.TryGetValue(fileName, out var file))
                {
                    return FakeResponses.Json(new { error = new { code = 404, message = $"File {fileName} not found.", status = "NOT_FOUND" } }, 404);
                }
                count = System.Text.Encoding.UTF8.GetString(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            }
            else
            {
                count = body["inputConfig"]!["requests"]!["requests"]!.AsArray().Count;
            }
            var id = $"batch{Interlocked.Increment(ref fake()._next):D4}";
            var operation = new JsonObject
            {
                ["name"] = $"batches/{id}",
                ["metadata"] = new JsonObject
                {
                    ["@type"] = BatchType, ["model"] = $"models/{model}", ["displayName"] = body["displayName"]!.DeepClone(),
                    ["name"] = $"batches/{id}", ["state"] = "BATCH_STATE_PENDING", ["createTime"] = "2026-01-05T09:00:00Z",
                    ["inputConfig"] = body["inputConfig"]!.DeepClone(),
                    ["batchStats"] = new JsonObject { ["requestCount"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture), ["pendingRequestCount"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                },
                ["done"] = false,
            };
            fake()._operations[id] = operation;
            return Results.Text(operation.ToJsonString(), "application/json");
        });
        // The File API's resumable upload: "start" answers with an upload URL; "upload, finalize" there takes the bytes.
        app.MapPost("/upload/v1beta/files", async (HttpRequest request) =>
        {
            var command = request.Headers["X-Goog-Upload-Command"].ToString();
            if (command == "start")
            {
                var length = long.TryParse(request.Headers["X-Goog-Upload-Header-Content-Length"], out var declared) ? declared : -1;
                var metadata = await JsonNode.ParseAsync(request.Body);
                if (request.Headers["X-Goog-Upload-Protocol"] != "resumable" || length < 0 || metadata?["file"] is null)
                {
                    return FakeResponses.Json(new { error = new { code = 400, message = "Invalid resumable upload start.", status = "INVALID_ARGUMENT" } }, 400);
                }
                var uploadId = $"upload{Interlocked.Increment(ref fake()._next):D4}";
                var displayName = (metadata["file"]!["displayName"] ?? metadata["file"]!["display_name"])?.GetValue<string>() ?? "";
                fake()._uploads[uploadId] = (displayName, length);
                return FakeResponses.Json(new { }, 200,
                    ("X-Goog-Upload-URL", $"{fake().Server.BaseAddress.ToString().TrimEnd('/')}/upload/v1beta/files?upload_id={uploadId}&upload_protocol=resumable"),
                    ("X-Goog-Upload-Status", "active"));
            }
            var id = request.Query["upload_id"].ToString();
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            if (command != "upload, finalize" || request.Headers["X-Goog-Upload-Offset"] != "0" || !fake()._uploads.TryRemove(id, out var upload) ||
                upload.Length != buffer.Length)
            {
                return FakeResponses.Json(new { error = new { code = 400, message = "Invalid resumable upload.", status = "INVALID_ARGUMENT" } }, 400);
            }
            var name = $"files/{id}";
            fake().Files[name] = buffer.ToArray();
            return FakeResponses.Json(new
            {
                file = new
                {
                    name, displayName = upload.DisplayName, mimeType = "application/jsonl",
                    sizeBytes = buffer.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), state = "ACTIVE", source = "UPLOADED",
                },
            });
        });
        app.MapGet("/download/v1beta/files/{idAndMethod}", (string idAndMethod, HttpRequest request) =>
            idAndMethod.EndsWith(":download", StringComparison.Ordinal) && request.Query["alt"] == "media" &&
                fake().Files.TryGetValue($"files/{idAndMethod[..^":download".Length]}", out var file)
                ? Results.Bytes(file, "application/json")
                : FakeResponses.Json(new { error = new { code = 404, message = $"File files/{idAndMethod} not found.", status = "NOT_FOUND" } }, 404));
        app.MapGet("/v1beta/batches/{id}", (string id) =>
            fake()._operations.TryGetValue(id, out var operation) ? Results.Text(operation.ToJsonString(), "application/json") : NotFound(id));
        app.MapPost("/v1beta/batches/{idAndMethod}", (string idAndMethod) =>
        {
            var id = idAndMethod.Split(':')[0];
            if (!fake()._operations.TryGetValue(id, out _))
            {
                return NotFound(id);
            }
            fake().Advance(id, "BATCH_STATE_CANCELLED", 0, 0);
            return Results.Text("{}", "application/json");
        });
        app.MapGet("/v1beta/batches", () =>
        {
            var operations = new JsonArray([.. fake()._operations.OrderByDescending(o => o.Key, StringComparer.Ordinal).Select(o => o.Value.DeepClone())]);
            return Results.Text(new JsonObject { ["operations"] = operations }.ToJsonString(), "application/json");
        });
    }

    private static IResult NotFound(string id) =>
        FakeResponses.Json(new { error = new { code = 404, message = $"Batch batches/{id} not found.", status = "NOT_FOUND" } }, 404);
}
