using System.Text;

namespace Platform.CloudEvents;

/// <summary>
/// The CloudEvents HTTP binding's encoding of attribute values in binary-mode headers (HTTP protocol binding,
/// "HTTP Header Values"). Encoding percent-encodes exactly space, <c>"</c>, <c>%</c> and every character outside
/// printable ASCII (U+0021–U+007E), as the UTF-8 bytes of the character in upper-case hex; everything else (<c>/</c>,
/// <c>:</c>, <c>+</c>, …) is sent as it is, which is what standard SDK receivers expect. Decoding first unescapes a
/// double-quoted string (RFC 7230 §3.2.6, for older senders), then does one round of percent-decoding, accepting
/// needless encodings and lower-case hex, and refusing byte sequences that are not valid UTF-8.
/// </summary>
public static class HeaderValues
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The header value of an attribute whose canonical string form is <paramref name="value"/>.</summary>
    public static string Encode(string value)
    {
        var i = 0;
        while (i < value.Length && !NeedsEncoding(value[i])) i++;
        if (i == value.Length) return value; // the common case: nothing to encode, no allocation
        var builder = new StringBuilder(value.Length + 16);
        builder.Append(value, 0, i);
        Span<byte> utf8 = stackalloc byte[4];
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (!NeedsEncoding(c))
            {
                builder.Append(c);
                continue;
            }
            // A surrogate pair is one character (its 4-byte UTF-8 form); a lone surrogate cannot be UTF-8 and is
            // sent as U+FFFD, as the encoder would.
            var length = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(char.IsSurrogate(c) ? "\uFFFD" : value.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%');
                builder.Append(HexUpper[b >> 4]);
                builder.Append(HexUpper[b & 0xF]);
            }
        }
        return builder.ToString();
    }

    /// <summary>True for a character the binding percent-encodes: space, <c>"</c>, <c>%</c>, and anything outside U+0021–U+007E.</summary>
    public static bool NeedsEncoding(char c) => c is <= ' ' or '"' or '%' or > '~';

    /// <summary>
    /// The attribute value carried by header value <paramref name="header"/>, or false with the reason (a bad
    /// percent-escape, bytes that are not UTF-8, an unterminated quoted string).
    /// </summary>
    public static bool TryDecode(string header, out string value, out string? error)
    {
        value = header;
        error = null;
        var text = header.Trim(' ', '\t');
        if (text.Length > 0 && text[0] == '"')
        {
            if (!TryUnquote(text, out text, out error)) return false;
        }
        var percent = text.IndexOf('%');
        if (percent < 0)
        {
            value = text;
            return true;
        }
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var n = Encoding.UTF8.GetBytes(text.AsSpan(0, percent), bytes);
        for (var i = percent; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                n += Encoding.UTF8.GetBytes(text.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1), bytes.AsSpan(n));
                if (char.IsHighSurrogate(c) && i + 1 < text.Length) i++;
                continue;
            }
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                error = $"'{Shorten(text, i)}' at position {i} is not a percent-encoded byte (%XX); a literal % is sent as %25";
                return false;
            }
            bytes[n++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
            i += 2;
        }
        try
        {
            value = StrictUtf8.GetString(bytes, 0, n);
            return true;
        }
        catch (DecoderFallbackException)
        {
            error = "its percent-encoded bytes are not valid UTF-8";
            return false;
        }
    }

    private static bool TryUnquote(string text, out string value, out string? error)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                builder.Append(text[++i]);
                continue;
            }
            if (c == '"')
            {
                if (i != text.Length - 1) break; // text after the closing quote
                value = builder.ToString();
                error = null;
                return true;
            }
            builder.Append(c);
        }
        value = text;
        error = "a quoted string (RFC 7230 §3.2.6) must end with its closing quote";
        return false;
    }

    private static string Shorten(string text, int at) => text.Substring(at, Math.Min(3, text.Length - at));

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private const string HexUpper = "0123456789ABCDEF";
}
