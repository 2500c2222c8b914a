using ControlPlane.Domain.Alerts;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Sla;
using ControlPlane.Jobs.Realtime;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Jobs.Tests.Alerts;

public sealed class AlertTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reconcile_RaisesOncePerCondition_RefreshesWhileItHolds_ClearsWhenGone()
    {
        var condition = new AlertCondition("budget:workload:x:80:2026-12", "budget", AlertSeverity.Warning, "80 %", "detail", null);

        var first = AlertReconciler.Reconcile([], [condition], T0);
        var alert = Assert.Single(first.Raised);

        var second = AlertReconciler.Reconcile([alert], [condition with { Detail = "newer detail" }], T0.AddMinutes(1));
        Assert.Empty(second.Raised);
        Assert.Equal("newer detail", alert.Detail);
        Assert.Equal(T0.AddMinutes(1), alert.LastSeenAt);

        var third = AlertReconciler.Reconcile([alert], [], T0.AddMinutes(2));
        Assert.Same(alert, Assert.Single(third.Cleared));
        Assert.False(alert.IsOpen);
    }

    [Theory]
    [InlineData(700, null)]
    [InlineData(800, 80)]
    [InlineData(1_050, 100)]
    public void Budget_WarnsAt80AndIsCriticalAt100(int spent, int? level)
    {
        var condition = AlertRules.Budget("team", Guid.Empty, "Support", 1_000m, spent, "2026-12", null);
        Assert.Equal(level, condition is null ? null : int.Parse(condition.Key.Split(':')[3]));
        if (level == 100)
        {
            Assert.Equal(AlertSeverity.Critical, condition!.Severity);
        }
    }

    [Fact]
    public void SlaBurn_AlertsOnlyWhenMissesOutpaceTheBudgetWithEnoughRequests()
    {
        // Target 99 % allows 1 % misses; 3 % misses is a burn rate of 3, above the default limit of 2.
        var burning = AlertRules.SlaBurn(Guid.Empty, "Chatbot", new SlaFigures(1_000, 975, 970, 99m), 2m, 20, "/sla");
        Assert.NotNull(burning);
        Assert.Contains("3× too fast", burning.Title);

        Assert.Null(AlertRules.SlaBurn(Guid.Empty, "Chatbot", new SlaFigures(1_000, 990, 985, 99m), 2m, 20, "/sla"));
        Assert.Null(AlertRules.SlaBurn(Guid.Empty, "Chatbot", new SlaFigures(10, 5, 5, 99m), 2m, 20, "/sla"));
    }

    [Fact]
    public void OpenCircuit_IsAnAlertCondition_UntilACallSucceeds()
    {
        var clock = new FakeTimeProvider(T0);
        var breakers = new CircuitBreakers(Options.Create(new RealtimeOptions()), clock);
        var model = new ModelRef("openai", "gpt-4o-mini");
        for (var i = 0; i < new RealtimeOptions().BreakerFailureThreshold; i++)
        {
            breakers.RecordFailure(model);
        }

        var condition = Assert.Single(breakers.CurrentConditions(clock.GetUtcNow()));
        Assert.Equal("circuit:openai/gpt-4o-mini", condition.Key);

        breakers.RecordSuccess(model);
        Assert.Empty(breakers.CurrentConditions(clock.GetUtcNow()));
    }
}
