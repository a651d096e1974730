using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProxyRotator.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// Creates Quartz.NET's clustered job store tables (<c>qrtz_*</c>) from Quartz's published PostgreSQL DDL
    /// (<c>Quartz/create_postgres.sql</c>, embedded: the script Quartz 4.7.3 itself ships). Every statement is <c>IF NOT EXISTS</c>, so a database whose
    /// Quartz tables were created by hand migrates too.
    /// </summary>
    public partial class QuartzTables : Migration
    {
        private const string ResourceName = "ProxyRotator.Migrations.PostgreSql.Quartz.create_postgres.sql";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            using Stream stream = typeof(QuartzTables).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
            using var reader = new StreamReader(stream);
            migrationBuilder.Sql(reader.ReadToEnd());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (string table in new[]
            {
                "qrtz_job_status", "qrtz_misfire_history", "qrtz_execution_history", "qrtz_fired_triggers", "qrtz_paused_job_grps",
                "qrtz_paused_trigger_grps", "qrtz_scheduler_state", "qrtz_locks", "qrtz_simprop_triggers", "qrtz_simple_triggers",
                "qrtz_cron_triggers", "qrtz_blob_triggers", "qrtz_triggers", "qrtz_job_details", "qrtz_calendars",
            })
            {
                migrationBuilder.Sql($"DROP TABLE IF EXISTS {table};");
            }
        }
    }
}
