namespace Canvas.ChatApi.Providers;

/// <summary>A provider's stream ended without saying how the answer finished: it was cut or carried an in-band error.</summary>
public sealed class IncompleteStreamException(string message) : Exception(message);
