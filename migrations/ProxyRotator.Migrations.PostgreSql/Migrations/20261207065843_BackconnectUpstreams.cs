using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProxyRotator.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class BackconnectUpstreams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "CostPerGb",
                table: "Upstreams",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "CostPerRequest",
                table: "Upstreams",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Countries",
                table: "Upstreams",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Dialect",
                table: "Upstreams",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DialectTemplate",
                table: "Upstreams",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "VendorEpoch",
                table: "StickySessions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CostPerGb",
                table: "Upstreams");

            migrationBuilder.DropColumn(
                name: "CostPerRequest",
                table: "Upstreams");

            migrationBuilder.DropColumn(
                name: "Countries",
                table: "Upstreams");

            migrationBuilder.DropColumn(
                name: "Dialect",
                table: "Upstreams");

            migrationBuilder.DropColumn(
                name: "DialectTemplate",
                table: "Upstreams");

            migrationBuilder.DropColumn(
                name: "VendorEpoch",
                table: "StickySessions");
        }
    }
}
