namespace Canvas.ChatApi.Capacity;

/// <summary>One answer's place in <see cref="InstanceCapacity"/>; disposing it gives the place back, once.</summary>
public sealed class AnswerSlot : IDisposable
{
    private InstanceCapacity? _capacity;

    internal AnswerSlot(InstanceCapacity capacity) => _capacity = capacity;

    /// <summary>
    /// Moves the place to a new slot, for whoever runs the answer from here on; disposing this one then gives nothing
    /// back, so a start can dispose its slot on every way out and still keep the place of the answer it started.
    /// </summary>
    public AnswerSlot HandOver() =>
        new(Interlocked.Exchange(ref _capacity, null) ?? throw new ObjectDisposedException(nameof(AnswerSlot)));

    /// <inheritdoc/>
    public void Dispose() => Interlocked.Exchange(ref _capacity, null)?.ReleaseAnswer();
}
