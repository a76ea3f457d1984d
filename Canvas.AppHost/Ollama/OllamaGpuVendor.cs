namespace Canvas.AppHost.Ollama;

/// <summary>The GPU vendors whose devices the Ollama container can be given.</summary>
public enum OllamaGpuVendor
{
    /// <summary>NVIDIA, through the NVIDIA container toolkit.</summary>
    Nvidia,

    /// <summary>AMD, through ROCm (the image's <c>-rocm</c> tag).</summary>
    AMD,
}
