using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ProxyRotator.Migrations.PostgreSql.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UpstreamId = table.Column<long>(type: "bigint", nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Detail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClusterChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UpstreamInstanceScores",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpstreamId = table.Column<long>(type: "bigint", nullable: false),
                    SuccessSum = table.Column<double>(type: "double precision", nullable: false),
                    OutcomeWeight = table.Column<double>(type: "double precision", nullable: false),
                    LatencySumMs = table.Column<double>(type: "double precision", nullable: false),
                    LatencyWeight = table.Column<double>(type: "double precision", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
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
