using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;
using ControlPlane.Domain.Workloads.Recommendation;
using ControlPlane.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ControlPlane.Web.Features.Workloads.Editor;

/// <summary>
/// Creates and edits a workload. Every edit re-runs the validator and the advisor; nothing is stored until the
/// draft is valid, and a segment that differs from the recommendation is stored only with a reason.
/// </summary>
public sealed partial class WorkloadEditorPage(WorkloadStore store, NavigationManager navigation, ISnackbar snackbar,
    IAuthorizationService authorization, TeamAccess teamAccess)
{
    private const string NotAllowed = "Only an admin, or a tech lead of the workload's team, may change it.";

    private static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>();

    [Parameter] public string? Slug { get; set; }

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Everyone signed in may read a workload; only the policy plus team membership may change it.</summary>
    private bool _canEdit;

    private WorkloadEditorData? _data;
    private WorkloadDraft _draft = new();
    private IReadOnlyList<ModelRef> _realtimeChoices = [];
    private IReadOnlyList<ModelRef> _batchChoices = [];
    private IReadOnlyDictionary<string, string> _errors = NoErrors;
    private SegmentRecommendation? _recommendation;
    private decimal? _answerWithinHours;
    private bool _toleranceTyped;
    private bool _showErrors;
    private bool _saving;
    private bool _notFound;
    private string? _problem;

    /// <summary>A signing secret just generated; held only until dismissed or the page is left, never reloaded.</summary>
    private string? _newSecret;
    private string? _newSecretSlug;
    private List<BreadcrumbItem> _breadcrumbs = [];

    private string Title => _data is null or { IsNew: true } ? "New workload" : _data.Draft.Name ?? Slug ?? "Workload";

    /// <summary>Messages show once the person has edited something or tried to save, not on an untouched new form.</summary>
    private IReadOnlyDictionary<string, string> VisibleErrors => _showErrors ? _errors : NoErrors;

    /// <summary>A reason is asked for when the segment being set (on create, or changed) differs from the advice.</summary>
    private bool NeedsReason => _recommendation is { } r && r.Recommended != _draft.Segment
        && (_data is { IsNew: true } || _data?.Draft.Segment != _draft.Segment);

    protected override async Task OnParametersSetAsync()
    {
        if (_newSecretSlug != Slug)
        {
            _newSecret = null; // Another workload: its secret is not this one's.
        }
        _data = await store.LoadAsync(Slug, CancellationToken.None);
        _notFound = _data is null;
        _breadcrumbs = [new("Workloads", "/workloads"), new(Slug ?? "new", null, disabled: true)];
        if (_data is null)
        {
            return;
        }
        _canEdit = await CanEditAsync(_data.IsNew ? null : _data.Draft.TeamId);
        _draft = _data.Draft.Clone();
        _realtimeChoices = ModelChoices.For(_data.CurrentPrices, RequestMode.Realtime);
        _batchChoices = ModelChoices.For(_data.CurrentPrices, RequestMode.Batch);
        _answerWithinHours = _draft.AnswerWithinHours();
        _toleranceTyped = false;
        _showErrors = !_data.IsNew;
        _problem = null;
        Recompute();
    }

    private Task RecomputeAsync()
    {
        _showErrors = true;
        Recompute();
        return Task.CompletedTask;
    }

    private void Recompute()
    {
        if (_data is null)
        {
            return;
        }
        // The tolerance follows the SLA being edited until the person types their own what-if value.
        if (!_toleranceTyped)
        {
            _answerWithinHours = _draft.AnswerWithinHours();
        }
        var pricing = SegmentAdvisor.PricingFor(_draft, _data.Catalog, _data.Today, _data.BatchOverheadMonthly);
        _recommendation = SegmentAdvisor.Recommend(SegmentAdvisor.QuestionFor(_draft, _answerWithinHours ?? 0), pricing);
        _errors = WorkloadValidator.Validate(_draft, _data.ValidationContext(NeedsReason ? _recommendation.Recommended : null));
    }

    private Task AnswerWithinChangedAsync(decimal? hours)
    {
        _answerWithinHours = hours;
        _toleranceTyped = hours is not null;
        Recompute();
        return Task.CompletedTask;
    }

    /// <summary>Applies the advice and fills the SLA fields the new segment needs from the stated tolerance.</summary>
    private Task ApplyRecommendationAsync(Segment segment)
    {
        _draft.Segment = segment;
        var pricing = _data is null ? null : SegmentAdvisor.PricingFor(_draft, _data.Catalog, _data.Today, _data.BatchOverheadMonthly);
        if (segment != Segment.TimeCritical && string.IsNullOrWhiteSpace(_draft.BatchModel) && pricing?.Batch is { } batch)
        {
            _draft.BatchModel = batch.ModelRef.ToString();
        }
        var tolerance = _answerWithinHours is > 0 ? _answerWithinHours : null;
        if (segment == Segment.BatchFriendly && _draft.CompletionDeadlineHours is null && tolerance is { } t && pricing is not null)
        {
            _draft.CompletionDeadlineHours = Math.Min(t, (decimal)pricing.BatchWindow.TotalHours);
        }
        if (segment == Segment.Hybrid && _draft.DefaultDeadlineHours is null)
        {
            _draft.DefaultDeadlineHours = tolerance;
        }
        _draft.LatencyTargetP95Ms ??= 2_000;
        _draft.AvailabilityPercent ??= 99.9m;
        return RecomputeAsync();
    }

    private async Task SaveAsync()
    {
        if (_data is null)
        {
            return;
        }
        _showErrors = true;
        Recompute();
        if (_errors.Count > 0)
        {
            return;
        }
        // Checked again at save: the team may have changed in the form, and a page can be driven without its buttons.
        if (!await CanEditAsync(_draft.TeamId) || (!_data.IsNew && !await CanEditAsync(_data.Draft.TeamId)))
        {
            _problem = NotAllowed;
            return;
        }
        _saving = true;
        try
        {
            var result = await store.SaveAsync(_data, _draft, NeedsReason ? _recommendation?.Recommended : null, CancellationToken.None);
            _errors = result.Errors;
            _problem = result.Problem;
            if (result.Saved)
            {
                if (result.NewWebhookSecret is { } generated)
                {
                    (_newSecret, _newSecretSlug) = (generated, result.Slug);
                }
                snackbar.Add(_data.IsNew ? $"Created {_draft.Name}." : $"Saved {_draft.Name}.", Severity.Success);
                if (_data.IsNew)
                {
                    navigation.NavigateTo($"/workloads/{result.Slug}");
                    return;
                }
                await OnParametersSetAsync();
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task ToggleArchivedAsync()
    {
        if (_data?.Id is not { } id)
        {
            return;
        }
        if (!await CanEditAsync(_data.Draft.TeamId))
        {
            _problem = NotAllowed;
            return;
        }
        var result = await store.SetArchivedAsync(id, !_data.IsArchived, CancellationToken.None);
        _problem = result.Problem;
        snackbar.Add(_data.IsArchived ? $"Restored {_data.Draft.Name}." : $"Archived {_data.Draft.Name}.", Severity.Info);
        await OnParametersSetAsync();
    }

    private async Task RotateWebhookSecretAsync()
    {
        if (_data?.Id is not { } id)
        {
            return;
        }
        if (!await CanEditAsync(_data.Draft.TeamId))
        {
            _problem = NotAllowed;
            return;
        }
        _saving = true;
        try
        {
            var result = await store.RotateWebhookSecretAsync(id, CancellationToken.None);
            _problem = result.Problem;
            if (result.Saved)
            {
                (_newSecret, _newSecretSlug) = (result.NewWebhookSecret, result.Slug);
                snackbar.Add("Webhook secret rotated. Copy the new one now.", Severity.Warning);
                await OnParametersSetAsync();
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task<bool> CanEditAsync(Guid? teamId)
    {
        if (AuthenticationState is null)
        {
            return false;
        }
        var user = (await AuthenticationState).User;
        if (!(await authorization.AuthorizeAsync(user, Policies.CanEditWorkloads)).Succeeded)
        {
            return false;
        }
        return teamId is null || await teamAccess.CanEditTeamAsync(user, teamId.Value, CancellationToken.None);
    }
}
