using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>proxies add URL --pool P [--type T] [--country CC]</c>.</summary>
public static class ProxiesAddCommand
{
    public static Command Create()
    {
        var command = new Command("add", "Add an upstream proxy to a pool");
        command.Arguments.Add(new Argument<string>("URL") { Description = "http://, socks5:// or socks5h:// URL with optional credentials" });
        command.Options.Add(new Option<string>("--pool") { Description = "Pool to add it to", Required = true });
        command.Options.Add(new Option<string?>("--type") { Description = "residential, mobile, datacenter or isp (default: the pool's)" });
        command.Options.Add(new Option<string?>("--country") { Description = "Declared ISO 3166-1 alpha-2 country code" });
        AdminClientStubOptions.AddTo(command);
        NotImplementedCommand.SetAction(command, "proxies add");
        return command;
    }
}
