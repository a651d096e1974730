using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProxyRotator.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AccountOutboundRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ExclusiveExits",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "OutboundAllow",
                table: "Accounts",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OutboundDeny",
                table: "Accounts",
                type: "TEXT",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExclusiveExits",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "OutboundAllow",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "OutboundDeny",
                table: "Accounts");
        }
    }
}
