namespace Canvas.WebFrontend.Client.Api;

/// <summary>An agent as <c>GET /api/agents</c> lists it.</summary>
/// <param name="Id">The agent id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Provider">The provider: <c>ollama</c>, <c>openai</c> or <c>anthropic</c>.</param>
/// <param name="Model">The model name.</param>
/// <param name="Transports">The tiers to try, in order (<c>websocket</c>, <c>sse</c>, <c>rest</c>).</param>
/// <param name="TransportNote">One human line on why these tiers.</param>
/// <param name="Status">Whether its provider answered the API's last background check; null from an API that does not say.</param>
public sealed record AgentInfo(
    string Id,
    string Name,
    string Provider,
    string Model,
    IReadOnlyList<string> Transports,
    string? TransportNote,
    AgentStatus? Status = null)
{
    /// <summary>Gets whether the API's last check found the provider unreachable (an unknown state is not).</summary>
    public bool IsUnreachable => Status?.State == "unreachable";
}

/// <summary>An agent's provider health, as the API's background check last saw it.</summary>
/// <param name="State"><c>reachable</c>, <c>unreachable</c> or <c>unknown</c>.</param>
/// <param name="Reason">Why unreachable, in words that name the fix.</param>
/// <param name="CheckedAt">When it was checked; null before the first check.</param>
public sealed record AgentStatus(string State, string? Reason, DateTimeOffset? CheckedAt);

/// <summary>A conversation's list entry.</summary>
/// <param name="Id">The conversation id.</param>
/// <param name="AgentId">The agent it talks to.</param>
/// <param name="Title">Its title.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ActiveGenerationId">The generation answering in it now, if any.</param>
public sealed record ConversationSummary(
    string Id, string AgentId, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ActiveGenerationId = null);

/// <summary>Which page of <c>GET /api/conversations</c> to read.</summary>
/// <param name="Search">Only conversations whose title contains this, in any case; null for all.</param>
/// <param name="Next">The address of the next page, from the previous page's <c>Link</c> header; null for the first.</param>
/// <param name="PageSize">How many conversations a first page holds (the next pages' addresses carry it).</param>
public sealed record ConversationPageRequest(string? Search = null, string? Next = null, int PageSize = 50);

/// <summary>A page of conversations, most recently updated first.</summary>
/// <param name="Items">The conversations.</param>
/// <param name="Next">The address of the next page (RFC 8288 <c>rel="next"</c>); null on the last.</param>
public sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, string? Next);

/// <summary>The body of <c>PATCH /api/conversations/{cid}</c>.</summary>
/// <param name="Title">The new title.</param>
public sealed record ConversationRename(string Title);

/// <summary>A conversation with its messages, oldest first.</summary>
/// <param name="Id">The conversation id.</param>
/// <param name="AgentId">The agent it talks to.</param>
/// <param name="Title">Its title.</param>
/// <param name="Messages">The messages.</param>
/// <param name="ActiveGenerationId">
/// The generation answering the last user message while its answer is not stored yet; null when the conversation is
/// idle. Another tab, a reload or another device follows it from here.
/// </param>
public sealed record ConversationDetail(
    string Id, string AgentId, string Title, IReadOnlyList<ConversationMessage> Messages, string? ActiveGenerationId = null);

/// <summary>One stored message.</summary>
/// <param name="Role"><c>user</c> or <c>assistant</c>.</param>
/// <param name="Text">The text.</param>
/// <param name="GenerationId">For an assistant message, the generation that wrote it.</param>
/// <param name="FinishReason">For an assistant message, how it ended.</param>
/// <param name="Id">The message's stable id (<c>m_…</c>), which regenerate and edit name; null from an older API.</param>
/// <param name="AgentId">For an assistant message, the agent that wrote it.</param>
/// <param name="Transport">For an assistant message, the tier that started it.</param>
/// <param name="Provider">For an assistant message, the provider.</param>
/// <param name="Model">For an assistant message, the model.</param>
/// <param name="Usage">For an assistant message, its token counts.</param>
/// <param name="Timings">For an assistant message, how long it took.</param>
/// <param name="Reasoning">For an assistant message, the reasoning the provider streamed before it.</param>
public sealed record ConversationMessage(
    string Role,
    string Text,
    string? GenerationId = null,
    string? FinishReason = null,
    string? Id = null,
    string? AgentId = null,
    string? Transport = null,
    string? Provider = null,
    string? Model = null,
    ChatUsage? Usage = null,
    ChatTimings? Timings = null,
    string? Reasoning = null);

/// <summary>The status snapshot of a generation (<c>GET /api/generations/{gid}</c>).</summary>
/// <param name="Status"><c>running</c>, <c>done</c>, <c>error</c> or <c>cancelled</c>.</param>
/// <param name="Text">The text so far.</param>
/// <param name="LastSeq">The seq of the last event so far; resume after it.</param>
/// <param name="ConversationId">The conversation, when the API says.</param>
/// <param name="FinishReason">How it ended, once it has: <c>stop</c>, <c>length</c>, <c>cancelled</c>, <c>content_filter</c>, <c>error</c>.</param>
/// <param name="Error">The error that ended it, if one did.</param>
/// <param name="Reasoning">The reasoning so far, from an API and provider that stream it.</param>
public sealed record GenerationSnapshot(
    string Status,
    string Text,
    long LastSeq,
    string? ConversationId = null,
    string? FinishReason = null,
    GenerationError? Error = null,
    string? Reasoning = null)
{
    /// <summary>Gets whether the generation is still producing events.</summary>
    public bool IsRunning => Status == "running";
}

/// <summary>The error that ended a generation, as its snapshot reports it.</summary>
/// <param name="Code">The PROTOCOL error code, for example <c>upstream_unavailable</c>.</param>
/// <param name="Message">What went wrong, in plain words.</param>
/// <param name="Retryable">Whether sending the message again may help.</param>
public sealed record GenerationError(string Code, string Message, bool Retryable);

/// <summary>The body of a finished <c>POST /api/chat</c>.</summary>
/// <param name="GenerationId">The generation.</param>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Text">The whole answer.</param>
/// <param name="FinishReason">How it ended.</param>
/// <param name="Usage">Token counts.</param>
/// <param name="Reasoning">The reasoning the provider streamed before the answer, if any.</param>
public sealed record RestChatAnswer(string GenerationId, string ConversationId, string Text, string FinishReason, ChatUsage? Usage, string? Reasoning = null);

/// <summary>An RFC 9457 problem with Canvas's error <c>code</c>.</summary>
/// <param name="Title">The title.</param>
/// <param name="Detail">The detail.</param>
/// <param name="Status">The status code.</param>
/// <param name="Code">The Canvas error code.</param>
public sealed record ApiProblem(string? Title, string? Detail, int? Status, string? Code);
