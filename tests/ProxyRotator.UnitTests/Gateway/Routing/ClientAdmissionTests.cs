using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using NSubstitute;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Routing;

public sealed class ClientAdmissionTests
{
    private const string Password = "Sesame-Open-77";
    private static readonly IPEndPoint Client = new(IPAddress.Parse("203.0.113.9"), 40123);
    private readonly ILogger<ClientAdmission> _logger = Substitute.For<ILogger<ClientAdmission>>();

    private ClientAdmission CreateSut()
    {
        _logger.IsEnabled(Arg.Any<LogLevel>()).Returns(true);
        return new ClientAdmission(
            new ProxyAccountAuthenticator([new UserOptions { Name = "scraper", Password = Password, Pools = ["*"] }], new SessionOptions(), ["eu"]),
            new AuthenticationThrottle(new GatewayOptions(), TimeProvider.System),
            _logger);
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Fact]
    public void LogRefused_WrongPassword_OneInformationLineWithAddressAndNoSecret()
    {
        ClientAdmission sut = CreateSut();
        AdmissionResult refused = sut.AdmitBasic(Basic("scraper-country-de:Not-" + Password));

        sut.LogRefused(refused, "HTTP", Client);

        (LogLevel level, string message) = Assert.Single(Logged());
        Assert.Equal(LogLevel.Information, level);
        Assert.Equal("HTTP client 203.0.113.9:40123 refused (auth-required): wrong username or password", message);
    }

    [Fact]
    public void LogRefused_UnknownPool_NamesThePool()
    {
        ClientAdmission sut = CreateSut();
        AdmissionResult refused = sut.AdmitUtf8("scraper-pool-ue"u8, Encoding.UTF8.GetBytes(Password));

        sut.LogRefused(refused, "SOCKS5", Client);

        (LogLevel level, string message) = Assert.Single(Logged());
        Assert.Equal(LogLevel.Information, level);
        Assert.Equal("SOCKS5 client 203.0.113.9:40123 refused (bad-targeting): bad targeting parameter 'pool': unknown pool 'ue' (this account's pools: eu)", message);
        Assert.DoesNotContain(Password, message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogRefused_NoCredentials_DebugOnly()
    {
        ClientAdmission sut = CreateSut();
        AdmissionResult refused = sut.AdmitBasic(null);

        sut.LogRefused(refused, "HTTP", Client);

        Assert.Equal(407, GatewayAnswer.Refused(refused).StatusCode);
        Assert.Equal(LogLevel.Debug, Assert.Single(Logged()).Level);
    }

    [Fact]
    public void LogRefused_Admitted_NothingLogged()
    {
        ClientAdmission sut = CreateSut();

        sut.LogRefused(sut.AdmitBasic(Basic("scraper:" + Password)), "HTTP", Client);

        Assert.Empty(Logged());
    }

    private List<(LogLevel Level, string Message)> Logged() =>
    [
        .. _logger.ReceivedCalls()
            .Where(call => call.GetMethodInfo().Name == nameof(ILogger.Log))
            .Select(call => ((LogLevel)call.GetArguments()[0]!, call.GetArguments()[2]!.ToString()!)),
    ];
}
