namespace Canvas.WebFrontend.Client.Transport;

/// <summary>A tier could not carry the answer; <see cref="Exception.Message"/> says why in plain words.</summary>
public sealed class TransportFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="tier">The tier that failed.</param>
    /// <param name="message">Why, in words a user understands.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public TransportFailedException(TransportTier tier, string message, Exception? innerException = null)
        : base(message, innerException) => Tier = tier;

    /// <summary>Gets the tier that failed.</summary>
    public TransportTier Tier { get; }
}
