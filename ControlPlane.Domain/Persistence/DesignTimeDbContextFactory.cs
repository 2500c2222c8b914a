using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ControlPlane.Domain.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ControlPlaneDbContext>
{
    public ControlPlaneDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ControlPlaneDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
