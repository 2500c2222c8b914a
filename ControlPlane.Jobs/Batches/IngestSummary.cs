namespace ControlPlane.Jobs.Batches;

/// <summary>What one ingestion run did, item by item; logged, and returned to Hangfire and tests.</summary>
public sealed record IngestSummary
{
    public int Results { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public int Expired { get; set; }
    public int Cancelled { get; set; }
    public int Rebatched { get; set; }
    public int Promoted { get; set; }

    /// <summary>Results for requests already served another way (promoted, re-batched): spend recorded, output ignored.</summary>
    public int Duplicates { get; set; }

    /// <summary>Results already applied by an earlier run of this ingestion.</summary>
    public int AlreadyApplied { get; set; }

    /// <summary>Lines that could not be used: an unreadable or unknown custom id, or a success without output or usage.</summary>
    public int Malformed { get; set; }

    /// <summary>Requests the provider returned nothing for; they follow the workload's on-batch-failure policy.</summary>
    public int Missing { get; set; }

    public decimal Cost { get; set; }
    public decimal DuplicateCost { get; set; }

    /// <summary>Adds a written page's counts to the run's.</summary>
    internal void Add(IngestSummary page)
    {
        Results += page.Results;
        Succeeded += page.Succeeded;
        Failed += page.Failed;
        Expired += page.Expired;
        Cancelled += page.Cancelled;
        Rebatched += page.Rebatched;
        Promoted += page.Promoted;
        Duplicates += page.Duplicates;
        AlreadyApplied += page.AlreadyApplied;
        Malformed += page.Malformed;
        Missing += page.Missing;
        Cost += page.Cost;
        DuplicateCost += page.DuplicateCost;
    }
}
