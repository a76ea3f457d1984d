namespace Canvas.Tests.Browser;

/// <summary>A browser window the tests open the chat in.</summary>
/// <param name="Width">The viewport's width in CSS pixels.</param>
/// <param name="Height">The viewport's height in CSS pixels.</param>
/// <param name="Mobile">Whether it is a phone (touch, mobile viewport rules).</param>
public sealed record Screen(int Width, int Height, bool Mobile)
{
    /// <summary>A phone, 390×844 (an iPhone 12 to 15).</summary>
    public static Screen Phone { get; } = new(390, 844, Mobile: true);

    /// <summary>A laptop, 1280×800.</summary>
    public static Screen Desktop { get; } = new(1280, 800, Mobile: false);

    /// <summary>The narrowest phone the layout is made for, 360×740 (many Android phones).</summary>
    public static Screen SmallPhone { get; } = new(360, 740, Mobile: true);

    /// <summary>Gets the screen by name, for theories: <c>phone</c>, <c>small-phone</c> or <c>desktop</c>.</summary>
    public static Screen Named(string name) => name switch
    {
        "phone" => Phone,
        "small-phone" => SmallPhone,
        _ => Desktop,
    };
}
