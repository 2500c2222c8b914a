namespace ControlPlane.Web.Features.Dashboards;

/// <summary>A dashboard period, with the width of one chart point.</summary>
public sealed record TimeRange(DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket, string Label)
{
    public static TimeRange Last24Hours(DateTimeOffset now) => Ending(now, TimeSpan.FromHours(24), TimeSpan.FromHours(1), "24 h");

    public static TimeRange Last7Days(DateTimeOffset now) => Ending(now, TimeSpan.FromDays(7), TimeSpan.FromHours(6), "7 d");

    public static TimeRange Last30Days(DateTimeOffset now) => Ending(now, TimeSpan.FromDays(30), TimeSpan.FromDays(1), "30 d");

    /// <summary>Whole days from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public static TimeRange Custom(DateOnly first, DateOnly last)
    {
        if (last < first)
        {
            (first, last) = (last, first);
        }
        var from = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var bucket = to - from <= TimeSpan.FromDays(2) ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        return new TimeRange(from, to, bucket, $"{first:d MMM} – {last:d MMM}");
    }

    /// <summary>The period of the same length just before this one, for trends.</summary>
    public TimeRange Previous => this with { From = From - (To - From), To = From };

    public TimeSpan Length => To - From;

    /// <summary>Start of the chart point holding <paramref name="time"/>.</summary>
    public DateTimeOffset BucketOf(DateTimeOffset time) =>
        From + TimeSpan.FromTicks((time - From).Ticks / Bucket.Ticks * Bucket.Ticks);

    public IEnumerable<DateTimeOffset> Buckets()
    {
        for (var t = From; t < To; t += Bucket)
        {
            yield return t;
        }
    }

    private static TimeRange Ending(DateTimeOffset now, TimeSpan length, TimeSpan bucket, string label)
    {
        // Align to the hour so hourly roll-ups fall wholly inside or outside the range.
        var end = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour + 1), TimeSpan.Zero);
        return new TimeRange(end - length, end, bucket, label);
    }
}
