using ControlPlane.Web.Tests.Infrastructure;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Web.Tests.Batches;

/// <summary>The batch pages render (server prerender) what an operator needs to decide.</summary>
public sealed class BatchPagesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BatchDetail_JobStalledPastItsStallLimit_ShowsStuckReasonAndPromoteAction()
    {
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(Ct);
        var workload = await db.Workloads.AsNoTracking().SingleAsync(w => w.Slug == "document-processing", Ct);
        // Document processing allows a stall of 6 hours; this job has not moved for 7.
        var job = new BatchJob(workload.BatchModel!, DateTimeOffset.UtcNow.AddHours(-7), workload.Id) { RequestCount = 3 };
        db.BatchJobs.Add(job);
        await db.SaveChangesAsync(Ct);

        var html = await (await SignIn.AsAsync(factory, "operator@demo.local")).GetStringAsync($"/batches/{job.Id}", Ct);

        Assert.Contains("Document processing", html);
        Assert.Contains("past the stall limit of 6 h", html);
        Assert.Contains("Promote to real time", html);
        Assert.Contains("Assembled from 3 queued requests", html);

        // A manager reads the same job but is offered no action on it.
        var asManager = await (await SignIn.AsAsync(factory, "manager@demo.local")).GetStringAsync($"/batches/{job.Id}", Ct);
        Assert.Contains("past the stall limit of 6 h", asManager);
        Assert.DoesNotContain("Promote to real time", asManager);
        Assert.DoesNotContain("Retry failed items", asManager);
    }

    [Fact]
    public async Task BatchDetail_UnknownJob_SaysSoInsteadOfFailing()
    {
        var html = await (await SignIn.AsAsync(factory, "operator@demo.local")).GetStringAsync($"/batches/{Guid.NewGuid()}", Ct);
        Assert.Contains("No batch job has the id", html);
    }

    [Fact]
    public async Task BatchesPage_RendersTheJobsGridAndHangfireLink()
    {
        var html = await (await SignIn.AsAsync(factory, "operator@demo.local")).GetStringAsync("/batches", Ct);
        Assert.Contains("batches-grid", html);
        Assert.Contains("/hangfire", html);
    }
}
