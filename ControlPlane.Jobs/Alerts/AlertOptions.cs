using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Alerts;

/// <summary><c>ControlPlane:Alerts</c>: thresholds and the optional outgoing webhook.</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string SectionName = "ControlPlane:Alerts";

    /// <summary>Slack-compatible incoming webhook; alerts are POSTed as <c>{"text": ...}</c>. Empty: in-app only.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Alert when the last hour's misses exceed this multiple of what the availability target allows.</summary>
    [Range(0.1, 1000)]
    public decimal SlaBurnRate { get; set; } = 2m;

    /// <summary>Too few requests make a burn rate noise: below this many in the hour, no SLA alert.</summary>
    [Range(1, 1_000_000)]
    public int SlaMinimumRequests { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(WebhookUrl)
            && (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult("ControlPlane:Alerts:WebhookUrl must be an absolute http(s) URL.", [nameof(WebhookUrl)]);
        }
    }
}
