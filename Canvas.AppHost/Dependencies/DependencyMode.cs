namespace Canvas.AppHost.Dependencies;

/// <summary>How the AppHost runs Redis and Ollama when no existing instance is configured (<c>Dependencies:Mode</c>).</summary>
public enum DependencyMode
{
    /// <summary>As containers (Docker or Podman); the default.</summary>
    Containers,

    /// <summary>As <c>redis-server</c> and <c>ollama serve</c> from PATH, for machines without a container runtime.</summary>
    Local,
}
