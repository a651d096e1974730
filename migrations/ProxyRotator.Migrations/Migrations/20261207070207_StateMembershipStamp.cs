using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProxyRotator.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class StateMembershipStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "MembershipChangedAt",
                table: "Upstreams",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_Upstreams_MembershipChangedAt",
                table: "Upstreams",
                column: "MembershipChangedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Upstreams_MembershipChangedAt",
                table: "Upstreams");

            migrationBuilder.DropColumn(
                name: "MembershipChangedAt",
                table: "Upstreams");
        }
    }
}
