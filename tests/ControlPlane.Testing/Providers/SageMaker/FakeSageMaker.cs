using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Testing.Providers.SageMaker;

/// <summary>
/// A loopback SageMaker runtime (<c>/endpoints/{name}/invocations</c> and <c>/async-invocations</c>, SigV4 verified) and
/// a path-style S3 (PUT / GET / HEAD objects) on one Kestrel port. Tests finish async requests by writing their output.
/// </summary>
public sealed class FakeSageMaker : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "eu-west-1";
    public const string Bucket = "cp-batches";

    private readonly ConcurrentDictionary<string, byte[]> _objects = new();
    private readonly ConcurrentDictionary<string, (string Output, string Failure)> _invocations = new();
    private int _next;

    private FakeSageMaker(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public int VerifiedSignatures;

    public Func<IResult> Invoke { get; set; } = () => FakeResponses.Json(ChatAnswer("Paris.", 21, 2));

    public static async Task<FakeSageMaker> StartAsync()
    {
        FakeSageMaker? fake = null;
        var server = await LoopbackServer.StartAsync(app => Map(app, () => fake!));
        fake = new FakeSageMaker(server);
        return fake;
    }

    public SageMakerProvider Provider(string secretKey = SecretKey)
    {
        var section = SageMakerOptions.SectionName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{section}:Region"] = Region,
            [$"{section}:S3Bucket"] = Bucket,
            [$"{section}:RuntimeUrl"] = Server.BaseAddress.ToString(),
            [$"{section}:S3ServiceUrl"] = Server.BaseAddress.ToString(),
            [$"{section}:AccessKeyId"] = AccessKey,
            [$"{section}:SecretAccessKey"] = secretKey,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton<TimeProvider>(Time);
        services.AddSageMakerProvider(configuration);
        return (SageMakerProvider)services.BuildServiceProvider().GetServices<IInferenceProvider>().Single();
    }

    public static object ChatAnswer(string content, int promptTokens, int completionTokens) => new
    {
        id = "chatcmpl-sm",
        @object = "chat.completion",
        model = "tgi",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
    };

    public IEnumerable<string> Keys(string prefix) => _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public string Text(string key) => Encoding.UTF8.GetString(_objects[key]);

    /// <summary>The endpoint finishes the async request whose input was item <paramref name="customId"/>.</summary>
    public void Succeed(string customId, string content, int promptTokens, int completionTokens) =>
        _objects[Key(InvocationOf(customId).Output)] = JsonSerializer.SerializeToUtf8Bytes(ChatAnswer(content, promptTokens, completionTokens));

    /// <summary>The endpoint writes <paramref name="body"/> as it is to the request's output location (e.g. a damaged answer).</summary>
    public void Output(string customId, string body) =>
        _objects[Key(InvocationOf(customId).Output)] = Encoding.UTF8.GetBytes(body);

    public void Fail(string customId, string error) =>
        _objects[Key(InvocationOf(customId).Failure)] = Encoding.UTF8.GetBytes(error);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private (string Output, string Failure) InvocationOf(string customId) =>
        _invocations.Single(i => i.Key.EndsWith($"/input/{customId}.json", StringComparison.Ordinal)).Value;

    private static string Key(string s3Uri) => s3Uri["s3://".Length..];

    private static void Map(WebApplication app, Func<FakeSageMaker> fake)
    {
        app.MapPost("/endpoints/{name}/{action}", async (string name, string action, HttpContext context) =>
        {
            if (await SigV4Verifier.FailureAsync(context, AccessKey, SecretKey, Region, "sagemaker") is { } failure)
            {
                return new RawResult(403, JsonSerializer.Serialize(new { message = failure }), "x-amzn-ErrorType=InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/");
            }
            Interlocked.Increment(ref fake().VerifiedSignatures);
            if (action == "invocations")
            {
                return fake().Invoke();
            }
            var input = context.Request.Headers["X-Amzn-SageMaker-InputLocation"].ToString();
            if (!input.StartsWith("s3://", StringComparison.Ordinal) || !fake()._objects.ContainsKey(Key(input)))
            {
                return new RawResult(400, JsonSerializer.Serialize(new { message = $"Input location {input} does not exist." }), "x-amzn-ErrorType=ValidationError:");
            }
            var id = $"inf-{Interlocked.Increment(ref fake()._next):D4}";
            var output = $"s3://async-out/{name}/{id}.out";
            var failureLocation = $"s3://async-out/{name}-failures/{id}-error.out";
            fake()._invocations[input] = (output, failureLocation);
            context.Response.Headers["X-Amzn-SageMaker-OutputLocation"] = output;
            context.Response.Headers["X-Amzn-SageMaker-FailureLocation"] = failureLocation;
            return FakeResponses.Json(new { InferenceId = id, OutputLocation = output, FailureLocation = failureLocation }, 202);
        });
        app.MapPut("/{bucket}/{**key}", async (string bucket, string key, HttpRequest request) =>
        {
            if (!request.Headers.Authorization.ToString().Contains("/s3/aws4_request", StringComparison.Ordinal))
            {
                return Results.StatusCode(403);
            }
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            fake()._objects[$"{bucket}/{key}"] = body.ToArray();
            return Results.Ok();
        });
        app.MapMethods("/{bucket}/{**key}", ["GET", "HEAD"], (string bucket, string key, HttpContext context) =>
        {
            if (!fake()._objects.TryGetValue($"{bucket}/{key}", out var content))
            {
                return context.Request.Method == "HEAD"
                    ? Results.StatusCode(404)
                    : Results.Content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>", "application/xml", Encoding.UTF8, 404);
            }
            context.Response.Headers.ETag = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content))}\"";
            context.Response.Headers.LastModified = "Mon, 05 Jan 2026 09:00:00 GMT";
            if (context.Request.Method == "HEAD")
            {
                context.Response.ContentLength = content.Length;
                return Results.Empty;
            }
            return Results.Bytes(content, "application/octet-stream");
        });
    }
}
