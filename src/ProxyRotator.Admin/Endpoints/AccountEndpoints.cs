using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Store.Accounts;

namespace ProxyRotator.Admin.Endpoints;

/// <summary>
/// <c>/api/accounts</c>: add, change (enable, disable, pools, limits, allowed addresses), rotate the password of and
/// delete gateway accounts. Every change is stored and takes effect on this instance before the answer (the
/// gateway's account table is swapped), on the others at their next change-version poll.
/// </summary>
internal static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/accounts", ListAsync).WithName("ListAccounts").WithSummary("Every account, without passwords");
        api.MapGet("/accounts/{name}", GetAsync).WithName("GetAccount").WithSummary("One account");
        api.MapPost("/accounts", AddAsync).WithName("AddAccount").WithSummary("Add an account (a password is generated when none is given)");
        api.MapMethods("/accounts/{name}", ["PATCH"], UpdateAsync).WithName("UpdateAccount").WithSummary("Enable/disable, set pools, limits, allowed addresses");
        api.MapPost("/accounts/{name}/disable", (string name, AccountStore store, AccountDirectory directory, CancellationToken ct) =>
            UpdateAsync(name, new UpdateAccountRequest(Enabled: false), store, directory, ct)).WithName("DisableAccount").WithSummary("Refuse the account from its next request");
        api.MapPost("/accounts/{name}/enable", (string name, AccountStore store, AccountDirectory directory, CancellationToken ct) =>
            UpdateAsync(name, new UpdateAccountRequest(Enabled: true), store, directory, ct)).WithName("EnableAccount").WithSummary("Admit the account again");
        api.MapPost("/accounts/{name}/password", SetPasswordAsync).WithName("SetAccountPassword").WithSummary("Rotate the password (generated when none is given)");
        api.MapDelete("/accounts/{name}", DeleteAsync).WithName("DeleteAccount").WithSummary("Delete an account (its usage history is kept)");
    }

    internal static AccountDto ToDto(AccountDefinition account, AccountDirectory directory)
    {
        AccountUsageTotals totals = directory.Ledger.TotalsFor(account.Name);
        DateOnly today = directory.Ledger.Today;
        AccountLimits l = account.Limits;
        return new AccountDto(account.Name, account.Enabled, account.PasswordHash is not null, account.Pools,
            new AccountLimitsDto(l.MaxConcurrent, l.RequestsPerSecond, l.BytesPerDay, l.BytesPerMonth), account.AllowedAddresses, account.FromConfig,
            totals.DayBytes(today), totals.MonthBytes(today));
    }

    private static async Task<Ok<AccountDto[]>> ListAsync(AccountStore store, AccountDirectory directory, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(a => ToDto(a, directory)).ToArray());

    private static async Task<Results<Ok<AccountDto>, ProblemHttpResult>> GetAsync(string name, AccountStore store, AccountDirectory directory, CancellationToken ct) =>
        await store.GetAsync(name, ct) is { } account ? TypedResults.Ok(ToDto(account, directory)) : AdminProblems.NotFound($"no account '{name}'");

    private static async Task<Results<Created<AccountSecretDto>, ProblemHttpResult>> AddAsync(
        AddAccountRequest? request, AccountStore store, AccountDirectory directory, CancellationToken ct)
    {
        if (request is null)
        {
            return AdminProblems.BadInput(new AdminInputError("body", "expected an account"));
        }

        var settings = new AccountChange(request.Enabled ?? true, request.Pools ?? ["*"], ToLimits(request.Limits) ?? AccountLimits.None, request.AllowedAddresses ?? []);
        (AccountStoreResult result, string? generated) = await store.AddAsync(request.Name, request.Password, settings, ct);
        return result.Account is { } account
            ? TypedResults.Created($"/api/accounts/{account.Name}", new AccountSecretDto(ToDto(account, directory), generated))
            : Problem(result);
    }

    private static async Task<Results<Ok<AccountDto>, ProblemHttpResult>> UpdateAsync(
        string name, UpdateAccountRequest? request, AccountStore store, AccountDirectory directory, CancellationToken ct)
    {
        if (request is null)
        {
            return AdminProblems.BadInput(new AdminInputError("body", "expected the fields to change"));
        }

        AccountStoreResult result = await store.UpdateAsync(name, new AccountChange(request.Enabled, request.Pools, ToLimits(request.Limits), request.AllowedAddresses), ct);
        return result.Account is { } account ? TypedResults.Ok(ToDto(account, directory)) : Problem(result);
    }

    private static async Task<Results<Ok<AccountSecretDto>, ProblemHttpResult>> SetPasswordAsync(
        string name, AccountPasswordRequest? request, AccountStore store, AccountDirectory directory, CancellationToken ct)
    {
        (AccountStoreResult result, string? generated) = await store.SetPasswordAsync(name, request?.Password, ct);
        return result.Account is { } account ? TypedResults.Ok(new AccountSecretDto(ToDto(account, directory), generated)) : Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, AccountStore store, CancellationToken ct) =>
        await store.DeleteAsync(name, ct) ? TypedResults.NoContent() : AdminProblems.NotFound($"no account '{name}'");

    private static AccountLimits? ToLimits(AccountLimitsDto? dto) =>
        dto is null ? null : new AccountLimits(dto.MaxConcurrent, dto.RequestsPerSecond, dto.BytesPerDay, dto.BytesPerMonth);

    private static ProblemHttpResult Problem(AccountStoreResult result) => result.Error switch
    {
        AccountStoreError.NotFound => AdminProblems.NotFound(result.Message ?? "not found"),
        AccountStoreError.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: result.Message),
        _ => AdminProblems.BadInput(new AdminInputError(FieldOf(result.Message), result.Message ?? "invalid")),
    };

    private static string FieldOf(string? message) => message?.IndexOf(':', StringComparison.Ordinal) is > 0 and int colon ? message[..colon] : "body";
}
