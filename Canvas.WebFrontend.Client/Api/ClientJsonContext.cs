using System.Text.Json;
using System.Text.Json.Serialization;

namespace Canvas.WebFrontend.Client.Api;

/// <summary>Source-generated JSON for the API's shapes: no reflection in the trimmed WebAssembly app.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(List<AgentInfo>))]
[JsonSerializable(typeof(List<ConversationSummary>))]
[JsonSerializable(typeof(ConversationDetail))]
[JsonSerializable(typeof(GenerationSnapshot))]
[JsonSerializable(typeof(RestChatAnswer))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(ConversationRename))]
[JsonSerializable(typeof(ConversationSummary))]
[JsonSerializable(typeof(Transport.ChatStartBody))]
[JsonSerializable(typeof(Transport.WebSocketClientMessage))]
[JsonSerializable(typeof(Session.InFlightAnswer))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
