using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProxyRotator.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SessionsLeanRow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_StickySessions_Upstreams_UpstreamId",
                table: "StickySessions");

            migrationBuilder.DropIndex(
                name: "IX_StickySessions_UpstreamId",
                table: "StickySessions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_StickySessions_UpstreamId",
                table: "StickySessions",
                column: "UpstreamId");

            migrationBuilder.AddForeignKey(
                name: "FK_StickySessions_Upstreams_UpstreamId",
                table: "StickySessions",
                column: "UpstreamId",
                principalTable: "Upstreams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
