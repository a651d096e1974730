namespace ProxyRotator.Admin.Contracts;

/// <summary>One page of a list; <see cref="Total"/> counts every match.</summary>
public sealed record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
