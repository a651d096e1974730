using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>geoip lookup ...</c>: offline GeoIP questions.</summary>
public static class GeoIpCommand
{
    public static Command Create()
    {
        var command = new Command("geoip", "Offline GeoIP look-ups with MaxMind databases");
        command.Subcommands.Add(GeoIpLookupCommand.Create());
        return command;
    }
}
