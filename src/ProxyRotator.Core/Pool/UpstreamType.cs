namespace ProxyRotator.Core.Pool;

/// <summary>The kind of IP an upstream exits from, as sold by providers.</summary>
public enum UpstreamType
{
    Residential = 0,
    Mobile = 1,
    Datacenter = 2,
    /// <summary>Static residential ("ISP") proxies: datacenter-hosted, residential ASN.</summary>
    Isp = 3,
}
