using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace ProxyRotator.Admin.Security;

/// <summary>Answers 404 to admin routes reached through any listener other than the admin one.</summary>
internal sealed class AdminListenerEndpointFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAdminConnection(context.HttpContext) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound());

    public static bool IsAdminConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(AdminListenerFeature.ItemKey) == true;
}
