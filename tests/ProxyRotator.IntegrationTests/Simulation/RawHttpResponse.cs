using System.Text;

namespace ProxyRotator.IntegrationTests.Simulation;

internal sealed record RawHttpResponse(int Status, Dictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
