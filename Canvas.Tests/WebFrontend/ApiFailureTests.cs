using System.Net;
using Canvas.WebFrontend.Client.Api;

namespace Canvas.Tests.WebFrontend;

public sealed class ApiFailureTests
{
    public static TheoryData<Exception, string> Failures => new()
    {
        { new ApiProblemException(401, "unauthorized", "invalid_token"), ApiFailure.SignInRefused },
        { new HttpRequestException("net_http_message_not_success_statuscode_reason, 401, Unauthorized", null, HttpStatusCode.Unauthorized), ApiFailure.SignInRefused },
        { new ApiProblemException(502, "chatapi_unreachable", "The web frontend could not reach the chat API."), ApiFailure.Unreachable },
        { new ApiProblemException(503, null, "The server answered 503."), ApiFailure.Unreachable },
        { new HttpRequestException("TypeError: Failed to fetch"), ApiFailure.Unreachable },
        { new HttpRequestException("net_http_message_not_success_statuscode_reason, 504", null, HttpStatusCode.GatewayTimeout), ApiFailure.Unreachable },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Describe_EachFailure_NamesTheCauseInPlainWordsWithoutAResourceKey(Exception failure, string expected)
    {
        var words = ApiFailure.Describe(failure);

        Assert.Equal(expected, words);
        Assert.DoesNotContain("net_http", words, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_AnotherProblem_KeepsTheServersOwnWords()
    {
        var words = ApiFailure.Describe(new ApiProblemException(400, "bad_request", "The agent 'nope' does not exist."));

        Assert.Equal("The chat server answered 400: The agent 'nope' does not exist.", words);
    }
}
