using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ControlPlane.Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class BatchJobWorkload : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "WorkloadId",
                table: "BatchJobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_BatchJobs_WorkloadId_Status",
                table: "BatchJobs",
                columns: new[] { "WorkloadId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_BatchJobs_WorkloadId_Status",
                table: "BatchJobs");

            migrationBuilder.DropColumn(
                name: "WorkloadId",
                table: "BatchJobs");
        }
    }
}
