using ControlPlane.Domain.Batches;
using MudBlazor;

namespace ControlPlane.Web.Features.Batches;

/// <summary>How batch states and times read on the pages.</summary>
public static class BatchText
{
    public static Color StatusColor(BatchJobStatus status) => status switch
    {
        BatchJobStatus.Ingested => Color.Success,
        BatchJobStatus.Completed => Color.Success,
        BatchJobStatus.Failed or BatchJobStatus.Expired => Color.Error,
        BatchJobStatus.Cancelled or BatchJobStatus.Cancelling => Color.Default,
        BatchJobStatus.Promoted => Color.Warning,
        _ => Color.Info,
    };

    public static string Age(TimeSpan span) => span.TotalDays >= 1 ? $"{span.TotalDays:0.#} d"
        : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h"
        : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} min" : $"{Math.Max(0, span.TotalSeconds):0} s";

    public static string UntilDeadline(DateTimeOffset? deadline, DateTimeOffset now) => deadline switch
    {
        null => "no deadline",
        { } d when d <= now => $"passed {Age(now - d)} ago",
        { } d => $"in {Age(d - now)}",
    };

    public static string Money(decimal amount) => amount switch
    {
        0m => "$0",
        < 0.01m and > -0.01m => $"${amount:0.######}",
        _ => $"${amount:N2}",
    };
}
