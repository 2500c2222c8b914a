using System.Globalization;
using ControlPlane.Domain.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class HourlyRollupConfiguration : IEntityTypeConfiguration<HourlyRollup>
{
    public void Configure(EntityTypeBuilder<HourlyRollup> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Mode).HasConversion<string>().HasMaxLength(10);
        builder.Property(r => r.Provider).HasMaxLength(32);
        builder.Property(r => r.LatencyBuckets)
            .HasConversion(b => string.Join(',', b), s => ParseBuckets(s))
            .Metadata.SetValueComparer(new ValueComparer<long[]>((a, b) => a!.SequenceEqual(b!), a => a.Aggregate(0, (h, x) => HashCode.Combine(h, x)), a => a.ToArray()));
        builder.Ignore(r => r.Latency);
        builder.HasIndex(r => new { r.HourStart, r.WorkloadId, r.Mode, r.Provider }).IsUnique();
    }

    // Dashboards read thousands of rows per page: parse the comma list without a string per bucket.
    internal static long[] ParseBuckets(string text)
    {
        var span = text.AsSpan();
        var counts = new long[span.Count(',') + 1];
        var i = 0;
        foreach (var range in span.Split(','))
        {
            counts[i++] = long.Parse(span[range], CultureInfo.InvariantCulture);
        }
        return counts;
    }
}

internal sealed class RollupStateConfiguration : IEntityTypeConfiguration<RollupState>
{
    public void Configure(EntityTypeBuilder<RollupState> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
    }
}
