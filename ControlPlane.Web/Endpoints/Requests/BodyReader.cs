using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace ControlPlane.Web.Endpoints.Requests;

/// <summary>Reads a JSON body under a size limit, so 413 and 400 come back as problem details before anything is stored.</summary>
public static class BodyReader
{
    public sealed record Result<T>(T? Body, byte[] Raw, IResult? Problem);

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken) where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return new(null, [], TooLarge(maxBytes));
        }
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return new(null, [], TooLarge(maxBytes));
            }
        }
        var raw = buffer.WrittenSpan.ToArray();
        try
        {
            var body = raw.Length == 0 ? null : JsonSerializer.Deserialize<T>(raw, JsonSerializerOptions.Web);
            return body is null
                ? new(null, raw, TypedResults.Problem(title: "Empty body", detail: "Send a JSON object.", statusCode: StatusCodes.Status400BadRequest))
                : new(body, raw, null);
        }
        catch (JsonException ex)
        {
            return new(null, raw, TypedResults.Problem(title: "Malformed JSON",
                detail: $"The body is not valid JSON for this endpoint: {ex.Message}", statusCode: StatusCodes.Status400BadRequest));
        }
    }

    public static string Hash(byte[] raw) => Convert.ToHexStringLower(SHA256.HashData(raw));

    private static IResult TooLarge(int maxBytes) => TypedResults.Problem(title: "Request body too large",
        detail: $"The body exceeds the limit of {maxBytes:N0} bytes (ControlPlane:Api:MaxRequestBytes).",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
