using ControlPlane.Domain;
using ControlPlane.Jobs;
using ControlPlane.Web;
using ControlPlane.Web.Components;
using ControlPlane.Web.Hosting;
using ControlPlane.Web.Endpoints;
using Hangfire;

var builder = WebApplication.CreateBuilder(args);
builder.UseRootAppSettings();
builder.AddControlPlaneDomain();
builder.AddControlPlaneJobs();
builder.AddControlPlaneWeb();

var app = builder.Build();
await app.RunStartupTasksAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}
app.UseStatusCodePages();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapControlPlaneHealthChecks();
app.MapControlPlaneApi();
app.MapHangfireDashboard("/hangfire", new DashboardOptions { DashboardTitle = "ControlPlane jobs", AppPath = "/" });
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>Entry point; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
