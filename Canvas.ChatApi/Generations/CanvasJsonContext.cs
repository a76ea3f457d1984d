using System.Text.Json;
using System.Text.Json.Serialization;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Streaming;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Source-generated JSON for everything Canvas writes on a hot path: events go out once per token to every
/// subscriber, so they are never serialized by reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(GenerationEvent))]
[JsonSerializable(typeof(GenerationRecord))]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(ConversationSummary))]
[JsonSerializable(typeof(ConversationMessage))]
[JsonSerializable(typeof(WebSocketTicketGrant))]
[JsonSerializable(typeof(ChatSocketRequest))]
[JsonSerializable(typeof(ChatSocketRefusal))]
public sealed partial class CanvasJsonContext : JsonSerializerContext;
