namespace ControlPlane.E2E.Infrastructure;

/// <summary>
/// A second app, with its own data folder, for the journeys that send requests through the API and run the batch
/// engine (its Hangfire server, like the shared app's, runs the jobs). Requests added to the shared app would race the
/// journeys there that compare the pages with the database, and the minutely roll-up would move the costs journey's
/// totals under it. Batches here form only at <see cref="BatchSize"/> queued requests of one workload (or after a
/// day), and the Simulator takes 20 minutes over a batch, so a job stays at the provider for as long as a journey needs.
/// </summary>
public sealed class OperationsAppFixture() : AppFixture(new Dictionary<string, string>
{
    ["ControlPlane:Batches:MinBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["ControlPlane:Batches:MaxWait"] = "1.00:00:00",
    ["ControlPlane:Simulator:BatchTurnaround"] = "00:20:00",
    ["ControlPlane:Simulator:BatchWindow"] = "01:00:00",
})
{
    /// <summary>Queued requests of one workload and model that make a batch job at once.</summary>
    public const int BatchSize = 5;
}

/// <summary>The journeys on <see cref="OperationsAppFixture"/>: one after another, beside the other journeys.</summary>
[CollectionDefinition(nameof(OperationsAppCollection))]
public sealed class OperationsAppCollection : ICollectionFixture<OperationsAppFixture>;
