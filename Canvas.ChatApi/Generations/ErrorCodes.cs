namespace Canvas.ChatApi.Generations;

/// <summary>The error <c>code</c> values Canvas sends in problem details and <c>error</c> events.</summary>
public static class ErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string InvalidJson = "invalid_json";
    public const string MessageEmpty = "message_empty";
    public const string MessageTooLong = "message_too_long";
    public const string RequestTooLarge = "request_too_large";
    public const string UnknownAgent = "unknown_agent";
    public const string TransportNotSupported = "transport_not_supported";
    public const string NotFound = "not_found";
    public const string Unauthorized = "unauthorized";
    public const string RateLimited = "rate_limited";
    public const string TitleInvalid = "title_invalid";
    public const string ConversationBusy = "conversation_busy";
    public const string UpstreamUnavailable = "upstream_unavailable";
    public const string UpstreamRateLimited = "upstream_rate_limited";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string UpstreamAuthFailed = "upstream_auth_failed";
    public const string UpstreamRejected = "upstream_rejected";
    public const string UpstreamError = "upstream_error";
    public const string GenerationLost = "generation_lost";
    public const string ServerBusy = "server_busy";
    public const string Internal = "internal_error";
}
