using Microsoft.Extensions.Options;

namespace Canvas.WebFrontend.Auth;

/// <summary>Refuses to start with a missing or weak signing key, naming the configuration key to set.</summary>
internal sealed class ChatApiTokenOptionsValidator : IValidateOptions<ChatApiTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatApiTokenOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            failures.Add("Canvas:Auth:SigningKey is required (env Canvas__Auth__SigningKey): the key, shared with the chat API, that signs the tokens the frontend attaches to /api requests.");
        }
        else if (options.SigningKey.Length < ChatApiTokenOptions.MinimumSigningKeyLength)
        {
            failures.Add($"Canvas:Auth:SigningKey must be at least {ChatApiTokenOptions.MinimumSigningKeyLength} characters (HS256 needs a 256-bit key); it has {options.SigningKey.Length}.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Canvas:Auth:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Canvas:Auth:Audience must not be empty.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.RenewBefore < TimeSpan.Zero || options.RenewBefore >= options.TokenLifetime)
        {
            failures.Add("Canvas:Auth:TokenLifetime must be positive and longer than Canvas:Auth:RenewBefore.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
