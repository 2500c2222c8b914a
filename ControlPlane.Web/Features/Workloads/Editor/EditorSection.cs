using ControlPlane.Domain.Workloads;
using Microsoft.AspNetCore.Components;

namespace ControlPlane.Web.Features.Workloads.Editor;

/// <summary>
/// A part of the workload form. Sections edit the page's draft in place and report every edit upward, so the page
/// re-validates and re-runs the recommendation; they show the validator's message under each field.
/// </summary>
public abstract class EditorSection : ComponentBase
{
    [Parameter, EditorRequired] public WorkloadDraft Draft { get; set; } = new();

    /// <summary>Field → message, as <see cref="WorkloadValidator"/> returns them.</summary>
    [Parameter] public IReadOnlyDictionary<string, string> Errors { get; set; } = new Dictionary<string, string>();

    [Parameter] public EventCallback Changed { get; set; }

    [Parameter] public bool ReadOnly { get; set; }

    protected bool Has(string field) => Errors.ContainsKey(field);

    protected string? Error(string field) => Errors.GetValueOrDefault(field);

    protected Task NotifyAsync() => Changed.InvokeAsync();
}
