using System.Text.Json;
using ControlPlane.Domain.Persistence;
using ControlPlane.Jobs.Requests;
using ControlPlane.Web.Endpoints.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Endpoints.Requests;

/// <summary><c>/api/v1/requests</c>: submit any AI request (routed to real time or batch) and read it back.</summary>
public static class RequestsApi
{
    public static IEndpointRouteBuilder MapRequestsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/requests").WithTags("Requests").AddEndpointFilter<ApiKeyFilter>();
        group.MapPost("/", SubmitAsync)
            .WithName("SubmitRequest")
            .WithSummary("Submit a request; it is routed by the workload's segment and the deadline.")
            .WithDescription("Real time: 200 with the answer. Batch: 202 with a Location to poll. Same idempotencyKey and body: the original request.")
            .Accepts<SubmitRequestBody>("application/json")
            .Produces<RequestView>(StatusCodes.Status200OK)
            .Produces<RequestView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetRequest")
            .WithSummary("A request's status, mode, routing reason, answer, usage, cost and event timeline.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, RequestService requests, WorkloadDirectory workloads,
        IOptions<ApiOptions> api, TimeProvider clock, CancellationToken cancellationToken)
    {
        var read = await BodyReader.ReadAsync<SubmitRequestBody>(http.Request, api.Value.MaxRequestBytes, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }
        var (valid, errors) = SubmitValidation.Check(read.Body!, clock.GetUtcNow());
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The request has invalid fields");
        }
        var (workload, problem) = await RequestGate.ResolveAsync(valid.Workload, ApiKeyFilter.Caller(http), workloads, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var input = JsonSerializer.Serialize(read.Body!.Input, JsonSerializerOptions.Web);
        var result = await requests.SubmitAsync(new SubmitCommand(workload!, valid.Messages, input, valid.MaxOutputTokens,
            valid.Deadline, valid.IdempotencyKey, BodyReader.Hash(read.Raw), valid.MetadataJson), cancellationToken);
        return ToHttp(result, workload!.Slug, http);
    }

    /// <summary>Maps what became of a request to HTTP; shared with the OpenAI-compatible endpoint for the error cases.</summary>
    internal static IResult ToHttp(SubmitResult result, string workloadSlug, HttpContext http)
    {
        switch (result)
        {
            case SubmitResult.Completed c:
                return TypedResults.Ok(RequestView.From(c.Request, workloadSlug));
            case SubmitResult.Queued q:
                return TypedResults.Accepted($"/api/v1/requests/{q.Request.Id}", RequestView.From(q.Request, workloadSlug));
            case SubmitResult.Replayed r:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return r.Request.IsTerminal
                    ? TypedResults.Ok(RequestView.From(r.Request, workloadSlug))
                    : TypedResults.Accepted($"/api/v1/requests/{r.Request.Id}", RequestView.From(r.Request, workloadSlug));
            case SubmitResult.IdempotencyConflict conflict:
                return TypedResults.Problem(title: "Idempotency key reused with a different body",
                    detail: $"This idempotency key already belongs to request {conflict.ExistingRequestId} with a different body. " +
                            "Use a new key for a new request.",
                    statusCode: StatusCodes.Status409Conflict,
                    extensions: new Dictionary<string, object?> { ["requestId"] = conflict.ExistingRequestId });
            case SubmitResult.Rejected rejected:
                return TypedResults.Problem(title: "The provider rejected the request",
                    detail: rejected.Error, statusCode: StatusCodes.Status422UnprocessableEntity,
                    extensions: new Dictionary<string, object?> { ["requestId"] = rejected.Request.Id });
            case SubmitResult.Unavailable down:
                return TypedResults.Problem(title: "Every real-time model is unavailable",
                    detail: $"The primary model and its fallback chain all failed: {string.Join("; ", down.Tried.Select(t => $"{t.Model}: {t.Outcome}"))}.",
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    extensions: new Dictionary<string, object?>
                    {
                        ["requestId"] = down.Request.Id,
                        ["tried"] = down.Tried.Select(t => new { model = t.Model, attempts = t.Attempts, outcome = t.Outcome }).ToList(),
                    });
            default:
                throw new InvalidOperationException($"Unhandled result {result.GetType().Name}.");
        }
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http,
        IDbContextFactory<ControlPlaneDbContext> factory, CancellationToken cancellationToken)
    {
        var caller = ApiKeyFilter.Caller(http);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || !caller.AllowsTeam(request.TeamId))
        {
            return TypedResults.Problem(title: "Request not found", detail: $"No request {id} is visible to this API key.",
                statusCode: StatusCodes.Status404NotFound);
        }
        var slug = await db.Workloads.Where(w => w.Id == request.WorkloadId).Select(w => w.Slug).FirstAsync(cancellationToken);
        var events = await db.TelemetryEvents.AsNoTracking().Where(e => e.RequestId == id)
            .OrderBy(e => e.Time).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(RequestView.From(request, slug, events));
    }
}
