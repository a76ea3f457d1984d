using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OllamaSharp.Models.Chat;

namespace Canvas.Benchmarks.Providers;

/// <summary>
/// Source-generated JSON metadata for OllamaSharp's chat types, as <c>new OllamaApiClient(http, model, context)</c>
/// would take in place of its reflection-based options (its own context is internal, and a context given replaces
/// reflection entirely). Measured by <see cref="OllamaLineParseBenchmarks"/>: no faster, so the ChatApi does not use it.
/// </summary>
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatResponseStream))]
[JsonSerializable(typeof(ChatDoneResponseStream))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class OllamaChatJsonContext : JsonSerializerContext;
