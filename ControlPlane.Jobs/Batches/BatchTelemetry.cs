using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;

namespace ControlPlane.Jobs.Batches;

/// <summary>Batch steps as request-style events (DESIGN.md "Unified telemetry"): one event per request, never per job.</summary>
internal static class BatchTelemetry
{
    public static TelemetryEvent Event(InferenceRequest r, TelemetryEventType type, DateTimeOffset at, Guid batchJobId, string? detail = null) =>
        new(at, r.Id, r.WorkloadId, r.TeamId, r.Mode, r.Provider, r.Model, type, BatchJobId: batchJobId,
            Detail: detail is null ? null : Truncate(detail, 1000));

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
