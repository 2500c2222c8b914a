using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class WorkloadConfiguration : IEntityTypeConfiguration<Workload>
{
    public void Configure(EntityTypeBuilder<Workload> builder)
    {
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Slug).HasMaxLength(64);
        builder.HasIndex(w => w.Slug).IsUnique();
        builder.Property(w => w.Name).HasMaxLength(200);
        builder.Property(w => w.Description).HasMaxLength(2000);
        builder.HasOne<Team>().WithMany().HasForeignKey(w => w.TeamId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(w => w.Segment).HasConversion<string>().HasMaxLength(20);
        builder.Property(w => w.Criticality).HasConversion<string>().HasMaxLength(20);
        builder.Property(w => w.RealtimeModel).HasConversion(ValueConversions.ModelRefConverter).HasMaxLength(200);
        builder.Property(w => w.BatchModel).HasConversion(ValueConversions.ModelRefConverter!).HasMaxLength(200);
        builder.Property<List<ModelRef>>("_fallbacks")
            .HasColumnName("FallbackChain")
            .HasConversion(ValueConversions.JsonList<ModelRef>(), ValueConversions.ListComparer<ModelRef>());
        builder.Ignore(w => w.FallbackChain);
        builder.ComplexProperty(w => w.Sla, sla =>
        {
            sla.Property(s => s.LatencyTargetP95Ms).HasColumnName("SlaLatencyP95Ms");
            sla.Property(s => s.AvailabilityTargetPercent).HasColumnName("SlaAvailabilityPercent");
            sla.Property(s => s.CompletionDeadline).HasColumnName("SlaCompletionDeadline");
            sla.Property(s => s.DefaultDeadline).HasColumnName("SlaDefaultDeadline");
        });
        builder.ComplexProperty(w => w.Promotion, p =>
        {
            p.Property(x => x.AutoPromote).HasColumnName("PromotionAuto");
            p.Property(x => x.Margin).HasColumnName("PromotionMargin");
            p.Property(x => x.StallLimit).HasColumnName("PromotionStallLimit");
            p.Property(x => x.OnBatchFailure).HasColumnName("PromotionOnBatchFailure").HasConversion<string>().HasMaxLength(20);
        });
        builder.ComplexProperty(w => w.Volume, v =>
        {
            v.Property(x => x.DailyRequests).HasColumnName("VolumeDailyRequests");
            v.Property(x => x.MeanInputTokens).HasColumnName("VolumeMeanInputTokens");
            v.Property(x => x.MeanOutputTokens).HasColumnName("VolumeMeanOutputTokens");
        });
        builder.Property(w => w.CompletionWebhookUrl).HasMaxLength(2000);
        builder.Property(w => w.ProtectedWebhookSecret).HasMaxLength(1000);
        builder.Property<long>(ControlPlaneDbContext.VersionProperty).IsConcurrencyToken();
    }
}
