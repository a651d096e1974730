using System.CommandLine;
using System.Globalization;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary>
/// <c>accounts list|add|set|enable|disable|password|delete</c>: gateway accounts of a running server (admin API).
/// Changes take effect at once; a generated password is printed once.
/// </summary>
public static class AccountsCommand
{
    public static Command Create()
    {
        var command = new Command("accounts", "Gateway accounts of a running server (admin API): changes take effect at once");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateSet());
        command.Subcommands.Add(CreateEnable("enable", "Admit the account again", enabled: true));
        command.Subcommands.Add(CreateEnable("disable", "Refuse the account from its next request", enabled: false));
        command.Subcommands.Add(CreatePassword());
        command.Subcommands.Add(CreateDelete());
        return command;
    }

    private static Command CreateList()
    {
        var connection = new AdminConnectionOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("list", "List accounts (never their passwords)");
        command.Options.Add(json);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            IReadOnlyList<AccountDto> accounts = await api.ListAccountsAsync(ct);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, accounts);
                return AdminCommandAction.Success;
            }

            var table = new TextTable("ACCOUNT", "STATE", "POOLS", "CONN", "RPS", "BYTES/DAY", "BYTES/MONTH", "TODAY", "MONTH", "ADDRESSES").AlignRight(3, 4, 5, 6, 7, 8);
            foreach (AccountDto a in accounts)
            {
                table.Add(a.Name, a.Enabled ? "enabled" : "disabled", string.Join(',', a.Pools), Limit(a.Limits.MaxConcurrent), Limit(a.Limits.RequestsPerSecond),
                    Limit(a.Limits.BytesPerDay), Limit(a.Limits.BytesPerMonth), Number(a.BytesToday), Number(a.BytesThisMonth),
                    a.AllowedAddresses.Count == 0 ? "-" : string.Join(',', a.AllowedAddresses));
            }

            await output.WriteAsync(table.ToString());
            await output.WriteLineAsync($"{accounts.Count} account(s)");
            return AdminCommandAction.Success;
        });
        return command;
    }

    private static Command CreateAdd()
    {
        var connection = new AdminConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "Account name: letters, digits, '_' or '.'" };
        var password = new Option<string?>("--password") { Description = "Password (default: generated and printed once)" };
        var limits = new LimitOptions();
        var command = new Command("add", "Add an account");
        command.Arguments.Add(name);
        command.Options.Add(password);
        limits.AddTo(command);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            AccountSecretDto added = await api.AddAccountAsync(new AddAccountRequest(
                parse.GetValue(name)!, parse.GetValue(password), limits.Pools(parse), limits.Limits(parse, null), limits.Addresses(parse)), ct);
            await output.WriteLineAsync($"added account {added.Account.Name}");
            if (added.Password is { } generated)
            {
                await output.WriteLineAsync($"password: {generated}   (shown once)");
            }

            return AdminCommandAction.Success;
        });
        return command;
    }

    private static Command CreateSet()
    {
        var connection = new AdminConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "Account name" };
        var limits = new LimitOptions();
        var command = new Command("set", "Set an account's pools, limits or allowed addresses (limits not given are kept; 0 removes one)");
        command.Arguments.Add(name);
        limits.AddTo(command);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            string account = parse.GetValue(name)!;
            AccountLimitsDto? current = limits.AnyLimit(parse)
                ? (await api.ListAccountsAsync(ct)).FirstOrDefault(a => a.Name == account)?.Limits
                : null;
            AccountDto updated = await api.UpdateAccountAsync(account,
                new UpdateAccountRequest(null, limits.Pools(parse), limits.AnyLimit(parse) ? limits.Limits(parse, current) : null, limits.Addresses(parse)), ct);
            await output.WriteLineAsync($"updated account {updated.Name}");
            return AdminCommandAction.Success;
        });
        return command;
    }

    private static Command CreateEnable(string verb, string description, bool enabled)
    {
        var connection = new AdminConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "Account name" };
        var command = new Command(verb, description);
        command.Arguments.Add(name);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            AccountDto updated = await api.UpdateAccountAsync(parse.GetValue(name)!, new UpdateAccountRequest(Enabled: enabled), ct);
            await output.WriteLineAsync($"account {updated.Name} {(updated.Enabled ? "enabled" : "disabled")}");
            return AdminCommandAction.Success;
        });
        return command;
    }

    private static Command CreatePassword()
    {
        var connection = new AdminConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "Account name" };
        var password = new Option<string?>("--password") { Description = "New password (default: generated and printed once)" };
        var command = new Command("password", "Rotate an account's password: the old one stops working with the next request");
        command.Arguments.Add(name);
        command.Options.Add(password);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            AccountSecretDto changed = await api.SetAccountPasswordAsync(parse.GetValue(name)!, new AccountPasswordRequest(parse.GetValue(password)), ct);
            await output.WriteLineAsync($"password of {changed.Account.Name} changed");
            if (changed.Password is { } generated)
            {
                await output.WriteLineAsync($"password: {generated}   (shown once)");
            }

            return AdminCommandAction.Success;
        });
        return command;
    }

    private static Command CreateDelete()
    {
        var connection = new AdminConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "Account name" };
        var command = new Command("delete", "Delete an account (its usage history is kept)");
        command.Arguments.Add(name);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            await api.DeleteAccountAsync(parse.GetValue(name)!, ct);
            await output.WriteLineAsync($"deleted account {parse.GetValue(name)}");
            return AdminCommandAction.Success;
        });
        return command;
    }

    private static string Limit(long? value) => value is { } v ? Number(v) : "-";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The options shared by <c>add</c> and <c>set</c>.</summary>
    private sealed class LimitOptions
    {
        private readonly Option<string[]> _pools = new("--pool") { Description = "A pool the account may use (repeat; '*' for all)", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string[]> _addresses = new("--allow-address") { Description = "A client address or CIDR range that authenticates without a password (repeat)", AllowMultipleArgumentsPerToken = true };
        private readonly Option<int?> _concurrent = new("--max-concurrent") { Description = "Requests and tunnels open at once (0: unlimited)" };
        private readonly Option<int?> _rps = new("--requests-per-second") { Description = "Requests per second (0: unlimited)" };
        private readonly Option<long?> _day = new("--bytes-per-day") { Description = "Bytes up plus down per UTC day (0: unlimited)" };
        private readonly Option<long?> _month = new("--bytes-per-month") { Description = "Bytes up plus down per UTC month (0: unlimited)" };

        public void AddTo(Command command)
        {
            command.Options.Add(_pools);
            command.Options.Add(_addresses);
            command.Options.Add(_concurrent);
            command.Options.Add(_rps);
            command.Options.Add(_day);
            command.Options.Add(_month);
        }

        public string[]? Pools(ParseResult parse) => parse.GetValue(_pools) is { Length: > 0 } pools ? pools : null;

        public string[]? Addresses(ParseResult parse) => parse.GetValue(_addresses) is { Length: > 0 } addresses ? addresses : null;

        public bool AnyLimit(ParseResult parse) =>
            parse.GetValue(_concurrent) is not null || parse.GetValue(_rps) is not null || parse.GetValue(_day) is not null || parse.GetValue(_month) is not null;

        /// <summary>The given limits over <paramref name="current"/>; 0 removes a limit.</summary>
        public AccountLimitsDto Limits(ParseResult parse, AccountLimitsDto? current) => new(
            Pick(parse.GetValue(_concurrent), current?.MaxConcurrent),
            Pick(parse.GetValue(_rps), current?.RequestsPerSecond),
            Pick(parse.GetValue(_day), current?.BytesPerDay),
            Pick(parse.GetValue(_month), current?.BytesPerMonth));

        private static T? Pick<T>(T? given, T? current)
            where T : struct, System.Numerics.INumber<T> =>
            given is { } g ? (T.IsZero(g) ? null : g) : current;
    }
}
