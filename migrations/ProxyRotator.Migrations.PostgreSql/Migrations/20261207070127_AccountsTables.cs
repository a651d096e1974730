using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ProxyRotator.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AccountsTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccountUsage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Account = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Pool = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    BytesUp = table.Column<long>(type: "bigint", nullable: false),
                    BytesDown = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountUsage", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Accounts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    PasswordHash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    Pools = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    AllowedAddresses = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    MaxConcurrent = table.Column<int>(type: "integer", nullable: true),
                    RequestsPerSecond = table.Column<int>(type: "integer", nullable: true),
                    BytesPerDay = table.Column<long>(type: "bigint", nullable: true),
                    BytesPerMonth = table.Column<long>(type: "bigint", nullable: true),
                    FromConfig = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccountUsage_Account_Pool_Day_Outcome",
                table: "AccountUsage",
                columns: new[] { "Account", "Pool", "Day", "Outcome" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccountUsage_Day",
                table: "AccountUsage",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_Name",
                table: "Accounts",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccountUsage");

            migrationBuilder.DropTable(
                name: "Accounts");
        }
    }
}
