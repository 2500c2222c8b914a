using ControlPlane.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.HasKey(d => d.Id);
        // One delivery per request, however many paths (sweeper, completion hook) try to create it.
        builder.HasIndex(d => d.RequestId).IsUnique();
        builder.HasIndex(d => d.DeliveredAt);
        builder.Ignore(d => d.IsDelivered);
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.HasKey(a => new { a.DeliveryId, a.Number });
        builder.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Number).ValueGeneratedNever();
        builder.Property(a => a.Error).HasMaxLength(1000);
        builder.Ignore(a => a.Succeeded);
    }
}
