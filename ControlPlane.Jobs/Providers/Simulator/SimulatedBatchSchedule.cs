namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// How many items finish at each progress step, kept in schedule.json. Each item finishes at one of
/// <see cref="Steps"/> steps, so status counts come from this histogram without re-reading input.jsonl,
/// and they agree exactly with the per-item decisions <c>ReadResultsAsync</c> makes.
/// </summary>
internal sealed record SimulatedBatchSchedule(int[] SucceededAtStep, int[] FailedAtStep)
{
    public const int Steps = 1000;

    public static SimulatedBatchSchedule Empty() => new(new int[Steps], new int[Steps]);

    public void Add(SimulatedItemPlan plan)
    {
        if (plan.Fails)
        {
            FailedAtStep[plan.Step]++;
        }
        else
        {
            SucceededAtStep[plan.Step]++;
        }
    }

    /// <summary>Items finished once <paramref name="doneSteps"/> steps have passed.</summary>
    public (int Succeeded, int Failed) CountDone(int doneSteps)
    {
        var succeeded = 0;
        var failed = 0;
        for (var step = 0; step < Math.Min(doneSteps, Steps); step++)
        {
            succeeded += SucceededAtStep[step];
            failed += FailedAtStep[step];
        }
        return (succeeded, failed);
    }
}
