using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProxyRotator.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Cluster : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ClusterChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UpstreamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClusterChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UpstreamInstanceScores",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpstreamId = table.Column<long>(type: "INTEGER", nullable: false),
                    SuccessSum = table.Column<double>(type: "REAL", nullable: false),
                    OutcomeWeight = table.Column<double>(type: "REAL", nullable: false),
                    LatencySumMs = table.Column<double>(type: "REAL", nullable: false),
                    LatencyWeight = table.Column<double>(type: "REAL", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UpstreamInstanceScores", x => new { x.InstanceId, x.UpstreamId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClusterChanges_CreatedAt",
                table: "ClusterChanges",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamInstanceScores_UpdatedAt",
                table: "UpstreamInstanceScores",
                column: "UpdatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClusterChanges");

            migrationBuilder.DropTable(
                name: "UpstreamInstanceScores");
        }
    }
}
