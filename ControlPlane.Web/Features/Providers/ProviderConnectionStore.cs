using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers;
using ControlPlane.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Providers;

/// <summary>
/// Saves provider connections: the secret encrypted, every change audited in the same transaction (non-secret fields
/// before → after; the secret only as "replaced" / "cleared"), and the registry told so the change takes effect.
/// </summary>
public sealed class ProviderConnectionStore(
    IDbContextFactory<ControlPlaneDbContext> factory,
    ProviderSecretProtector protector,
    ConnectionAdapterFactory adapters,
    IProviderRegistry registry,
    ICurrentActor actor,
    TimeProvider clock)
{
    public const string SecretField = "Secret";
    private const int MaxRequestsPerMinute = 1_000_000;

    public async Task<IReadOnlyList<ConnectionView>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ProviderConnections.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.OrderBy(c => c.Provider).ThenByDescending(c => c.UpdatedAt).Select(ConnectionView.From)];
    }

    /// <returns>Field → message for what is wrong; empty when saved.</returns>
    public async Task<IReadOnlyDictionary<string, string>> SaveAsync(ConnectionDraft draft, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        var schema = ConnectionSchema.For(draft.Provider);
        if (schema is null)
        {
            return new Dictionary<string, string> { [nameof(draft.Provider)] = $"{ProviderIds.DisplayName(draft.Provider)} has no adapter in this build; the Simulator stands in for it." };
        }
        if (draft.RequestsPerMinute is < 1 or > MaxRequestsPerMinute)
        {
            errors[nameof(draft.RequestsPerMinute)] = $"Requests per minute is a whole number from 1 to {MaxRequestsPerMinute:#,0}, or empty for no limit.";
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.Where(c => c.Provider == draft.Provider).OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var newSecret = string.IsNullOrWhiteSpace(draft.NewSecret) ? null : draft.NewSecret.Trim();
        var keepsSecret = newSecret is null && !draft.ClearSecret && connection?.ProtectedSecret is not null;
        var settings = schema.Settings.ToDictionary(f => f.Key, f => draft.Settings.GetValueOrDefault(f.Key)?.Trim() ?? "");
        foreach (var field in schema.Settings.Where(f => f.Required && string.IsNullOrEmpty(settings[f.Key])))
        {
            errors[field.Key] = $"Enter the {field.Label.ToLowerInvariant()}.";
        }
        if (draft.Enabled && schema.SecretRequired && newSecret is null && !keepsSecret)
        {
            errors[SecretField] = $"Enter the {schema.SecretLabel}, or switch the connection off.";
        }
        if (errors.Count == 0 && draft.Enabled)
        {
            // Build the adapter exactly as the registry will, so an enabled connection is never stored half-valid.
            try
            {
                adapters.Build(draft.Provider, settings, newSecret ?? (keepsSecret ? protector.Reveal(connection!.ProtectedSecret!) : null));
            }
            catch (ValidationException ex)
            {
                errors[nameof(draft.Settings)] = ex.Message;
            }
        }
        if (errors.Count > 0)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        var created = connection is null;
        connection ??= db.ProviderConnections.Add(new ProviderConnection(draft.Provider, draft.Name, now)).Entity;
        var before = created ? null : ConnectionView.From(connection);
        var changes = new ChangeSet()
            .Compare("Name", before?.Name, string.IsNullOrWhiteSpace(draft.Name) ? connection.Name : draft.Name.Trim())
            .Compare("Enabled", before?.Enabled, (bool?)draft.Enabled)
            .Compare("Requests per minute", before?.RequestsPerMinute, draft.RequestsPerMinute);
        foreach (var field in schema.Settings)
        {
            changes.Compare(field.Label, NullIfEmpty(before?.Settings.GetValueOrDefault(field.Key)), NullIfEmpty(settings[field.Key]));
        }
        var audit = changes.Changes.ToList();
        if (newSecret is not null)
        {
            connection.ProtectedSecret = protector.Protect(newSecret);
            audit.Add(new FieldChange(schema.SecretLabel, null, "replaced"));
        }
        else if (draft.ClearSecret && connection.ProtectedSecret is not null)
        {
            connection.ProtectedSecret = null;
            audit.Add(new FieldChange(schema.SecretLabel, null, "cleared"));
        }
        if (audit.Count == 0)
        {
            return errors;
        }
        connection.Name = string.IsNullOrWhiteSpace(draft.Name) ? connection.Name : draft.Name.Trim();
        connection.Enabled = draft.Enabled;
        connection.RealtimeRequestsPerMinute = draft.RequestsPerMinute;
        connection.SettingsJson = JsonSerializer.Serialize(settings.Where(s => s.Value.Length > 0).ToDictionary());
        connection.UpdatedAt = now;
        db.AuditEntries.Add(AuditEntry.Create(now, actor.Name, created ? "provider-connection.create" : "provider-connection.update",
            nameof(ProviderConnection), draft.Provider, audit));
        await db.SaveChangesAsync(cancellationToken);
        (registry as IProviderConnectionChanges)?.ConnectionChanged(draft.Provider);
        return errors;
    }

    public async Task<bool> DeleteAsync(string provider, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ProviderConnections.Where(c => c.Provider == provider).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return false;
        }
        var schema = ConnectionSchema.For(provider);
        foreach (var row in rows)
        {
            var view = ConnectionView.From(row);
            var changes = new List<FieldChange> { new("Name", view.Name, null), new("Enabled", view.Enabled.ToString(), null) };
            changes.AddRange(view.Settings.Select(s => new FieldChange(schema?.Settings.FirstOrDefault(f => f.Key == s.Key)?.Label ?? s.Key, s.Value, null)));
            if (view.HasSecret)
            {
                changes.Add(new FieldChange(schema?.SecretLabel ?? SecretField, null, "cleared"));
            }
            db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), actor.Name, "provider-connection.delete", nameof(ProviderConnection), provider, changes));
            db.ProviderConnections.Remove(row);
        }
        await db.SaveChangesAsync(cancellationToken);
        (registry as IProviderConnectionChanges)?.ConnectionChanged(provider);
        return true;
    }

    /// <summary>
    /// One cheap real call (a 1-token completion on the provider's cheapest catalogued model) through an adapter built
    /// from the form as it stands, with the stored secret unless a new one was typed. Nothing is saved.
    /// </summary>
    public async Task<ConnectionTestResult> TestAsync(ConnectionDraft draft, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var stored = await db.ProviderConnections.AsNoTracking().Where(c => c.Provider == draft.Provider).Select(c => c.ProtectedSecret).FirstOrDefaultAsync(cancellationToken);
        var secret = !string.IsNullOrWhiteSpace(draft.NewSecret) ? draft.NewSecret.Trim()
            : draft.ClearSecret || stored is null ? null : protector.Reveal(stored);
        var prices = await db.Prices.AsNoTracking().Where(p => p.Provider == draft.Provider && p.SupportsRealtime).ToListAsync(cancellationToken);
        var model = prices.OrderBy(p => p.InputPerMillion + p.OutputPerMillion).Select(p => p.Model).FirstOrDefault();
        if (model is null)
        {
            return new(false, $"The price catalogue has no real-time model for {ProviderIds.DisplayName(draft.Provider)}; add one below, then test.");
        }
        IInferenceProvider adapter;
        try
        {
            adapter = adapters.Build(draft.Provider, draft.Settings, secret);
        }
        catch (ValidationException ex)
        {
            return new(false, ex.Message, model);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var started = clock.GetTimestamp();
        try
        {
            await adapter.CompleteAsync(new CompletionRequest(Guid.CreateVersion7(), model, [new ChatMessage(ChatRole.User, "ping")], 1), timeout.Token);
            return new(true, $"{model} answered in {clock.GetElapsedTime(started).TotalMilliseconds:#,0} ms.", model, clock.GetElapsedTime(started));
        }
        catch (ProviderException ex)
        {
            return new(false, $"{ex.ErrorClass}: {Scrub(ex.Message, secret)}", model);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(false, $"{(ex is OperationCanceledException ? ProviderErrorClass.Timeout : ProviderErrorClass.ServerError)}: {Scrub(ex.Message, secret)}", model);
        }
    }

    /// <summary>Provider messages sometimes echo the key they refused; never show it back.</summary>
    internal static string Scrub(string message, string? secret)
    {
        var text = string.IsNullOrEmpty(secret) ? message : message.Replace(secret, "[secret]", StringComparison.Ordinal);
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
