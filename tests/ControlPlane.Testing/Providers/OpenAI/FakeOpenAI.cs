using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Testing.Providers.OpenAI;

/// <summary>
/// A loopback OpenAI: <c>/v1/chat/completions</c>, <c>/v1/files</c> (multipart upload, content download) and
/// <c>/v1/batches</c> (create, retrieve, list, cancel) in the documented wire format. Tests move batches along by hand.
/// </summary>
public sealed class FakeOpenAI : IAsyncDisposable
{
    public const string ApiKey = "sk-test-0000";

    private readonly ConcurrentDictionary<string, (string Purpose, string FileName, byte[] Content)> _files = new();
    private readonly ConcurrentDictionary<string, JsonObject> _batches = new();
    private int _next;

    private FakeOpenAI(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; private set; }

    /// <summary>What the next chat completion answers; the default is a short successful answer.</summary>
    public Func<IResult> Chat { get; set; } = () => FakeResponses.Json(ChatCompletion("Paris.", 21, 2));

    public TimeSpan ChatDelay { get; set; }

    public static async Task<FakeOpenAI> StartAsync()
    {
        FakeOpenAI? fake = null;
        var server = await LoopbackServer.StartAsync(app => Map(app, () => fake!));
        fake = new FakeOpenAI(server);
        return fake;
    }

    public OpenAIProvider Provider(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{OpenAIOptions.SectionName}:ApiKey"] = ApiKey,
            [$"{OpenAIOptions.SectionName}:BaseUrl"] = new Uri(Server.BaseAddress, "/v1").ToString(),
        };
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOpenAIProvider(configuration);
        return (OpenAIProvider)services.BuildServiceProvider().GetServices<IInferenceProvider>().Single();
    }

    public static object ChatCompletion(string content, int promptTokens, int completionTokens, string finishReason = "stop") => new
    {
        id = "chatcmpl-abc123",
        @object = "chat.completion",
        created = 1_767_603_600,
        model = "gpt-4o-mini-2024-07-18",
        choices = new[] { new { index = 0, message = new { role = "assistant", content, refusal = (string?)null }, logprobs = (object?)null, finish_reason = finishReason } },
        usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
    };

    public (string Purpose, string FileName, string Content) File(string id)
    {
        var file = _files[id];
        return (file.Purpose, file.FileName, Encoding.UTF8.GetString(file.Content));
    }

    public JsonObject Batch(string id) => _batches[id];

    /// <summary>The ids of the batches created so far, oldest first.</summary>
    public IReadOnlyList<string> BatchIds => [.. _batches.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Moves a batch to <paramref name="status"/> with the given counts and result files.</summary>
    public void Advance(string id, string status, int completed, int failed, IEnumerable<string>? outputLines = null, IEnumerable<string>? errorLines = null)
    {
        var batch = _batches[id];
        batch["status"] = status;
        batch["request_counts"] = new JsonObject { ["total"] = batch["request_counts"]!["total"]!.GetValue<int>(), ["completed"] = completed, ["failed"] = failed };
        if (outputLines is not null)
        {
            batch["output_file_id"] = AddFile("batch_output", "output.jsonl", string.Join("\n", outputLines) + "\n");
        }
        if (errorLines is not null)
        {
            batch["error_file_id"] = AddFile("batch_output", "errors.jsonl", string.Join("\n", errorLines) + "\n");
        }
    }

    public static string OutputLine(string customId, string content, int promptTokens, int completionTokens) => JsonSerializer.Serialize(new
    {
        id = $"batch_req_{customId}",
        custom_id = customId,
        response = new { status_code = 200, request_id = $"req_{customId}", body = ChatCompletion(content, promptTokens, completionTokens) },
        error = (object?)null,
    });

    public static string FailedLine(string customId, int statusCode, string type, string message) => JsonSerializer.Serialize(new
    {
        id = $"batch_req_{customId}",
        custom_id = customId,
        response = new { status_code = statusCode, request_id = $"req_{customId}", body = new { error = new { message, type, param = (string?)null, code = (string?)null } } },
        error = (object?)null,
    });

    public static string BatchErrorLine(string customId, string code, string message) => JsonSerializer.Serialize(new
    {
        id = $"batch_req_{customId}",
        custom_id = customId,
        response = (object?)null,
        error = new { code, message },
    });

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private string AddFile(string purpose, string fileName, string content)
    {
        var id = $"file-{Interlocked.Increment(ref _next):D4}";
        _files[id] = (purpose, fileName, Encoding.UTF8.GetBytes(content));
        return id;
    }

    private static void Map(WebApplication app, Func<FakeOpenAI> fake)
    {
        app.MapPost("/v1/chat/completions", async () =>
        {
            if (fake().ChatDelay > TimeSpan.Zero)
            {
                await Task.Delay(fake().ChatDelay);
            }
            return fake().Chat();
        });
        app.MapPost("/v1/files", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var upload = form.Files["file"]!;
            using var content = new MemoryStream();
            await upload.CopyToAsync(content);
            var purpose = form["purpose"].ToString();
            var id = fake().AddFile(purpose, upload.FileName, Encoding.UTF8.GetString(content.ToArray()));
            return FakeResponses.Json(new { id, @object = "file", bytes = content.Length, created_at = 1_767_603_600, filename = upload.FileName, purpose });
        });
        app.MapGet("/v1/files/{id}/content", (string id) =>
            fake()._files.TryGetValue(id, out var file)
                ? Results.Bytes(file.Content, "application/octet-stream")
                : NotFound($"No such File object: {id}"));
        app.MapPost("/v1/batches", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var inputFileId = body["input_file_id"]!.GetValue<string>();
            if (!fake()._files.TryGetValue(inputFileId, out var input) || input.Purpose != "batch")
            {
                return FakeResponses.Json(new { error = new { message = "Invalid input file", type = "invalid_request_error", param = "input_file_id", code = (string?)null } }, 400);
            }
            var total = Encoding.UTF8.GetString(input.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            var id = $"batch_{Interlocked.Increment(ref fake()._next):D4}";
            var batch = new JsonObject
            {
                ["id"] = id, ["object"] = "batch", ["endpoint"] = body["endpoint"]!.DeepClone(), ["errors"] = null,
                ["input_file_id"] = inputFileId, ["completion_window"] = body["completion_window"]!.DeepClone(),
                ["status"] = "validating", ["output_file_id"] = null, ["error_file_id"] = null,
                ["created_at"] = 1_767_603_600 + fake()._next,
                ["request_counts"] = new JsonObject { ["total"] = total, ["completed"] = 0, ["failed"] = 0 },
                ["metadata"] = body["metadata"]?.DeepClone(),
            };
            fake()._batches[id] = batch;
            return Results.Text(batch.ToJsonString(), "application/json");
        });
        app.MapGet("/v1/batches/{id}", (string id) =>
            fake()._batches.TryGetValue(id, out var batch) ? Results.Text(batch.ToJsonString(), "application/json") : NotFound($"No batch found with id '{id}'."));
        app.MapPost("/v1/batches/{id}/cancel", (string id) =>
        {
            if (!fake()._batches.TryGetValue(id, out var batch))
            {
                return NotFound($"No batch found with id '{id}'.");
            }
            batch["status"] = "cancelling";
            return Results.Text(batch.ToJsonString(), "application/json");
        });
        app.MapGet("/v1/batches", (int? limit, string? after) =>
        {
            var newestFirst = fake()._batches.Values.OrderByDescending(b => b["created_at"]!.GetValue<int>()).ToList();
            var start = after is null ? 0 : newestFirst.FindIndex(b => b["id"]!.GetValue<string>() == after) + 1;
            var page = newestFirst.Skip(start).Take(limit ?? 20).ToList();
            var data = new JsonArray([.. page.Select(b => b.DeepClone())]);
            var list = new JsonObject
            {
                ["object"] = "list", ["data"] = data,
                ["first_id"] = page.FirstOrDefault()?["id"]?.DeepClone(), ["last_id"] = page.LastOrDefault()?["id"]?.DeepClone(),
                ["has_more"] = start + page.Count < newestFirst.Count,
            };
            return Results.Text(list.ToJsonString(), "application/json");
        });
    }

    private static IResult NotFound(string message) =>
        FakeResponses.Json(new { error = new { message, type = "invalid_request_error", param = (string?)null, code = (string?)null } }, 404);
}
