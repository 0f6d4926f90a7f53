using System.Text;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// Turns expression text into tokens. Keywords are case-insensitive (spec §2); words that are not keywords are
/// attribute or function names, told apart by the parser.
/// </summary>
internal static class CesqlLexer
{
    public static bool TryTokenize(string text, out List<CesqlToken> tokens, out CesqlError? error)
    {
        tokens = new List<CesqlToken>();
        error = null;
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n') i++;
            if (i >= text.Length)
            {
                tokens.Add(new CesqlToken(TokenKind.End, text.Length, text.Length));
                return true;
            }

            var start = i;
            var c = text[i];
            TokenKind? symbol = c switch
            {
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                '+' => TokenKind.Plus,
                '-' => TokenKind.Minus,
                '*' => TokenKind.Star,
                '/' => TokenKind.Slash,
                '%' => TokenKind.Percent,
                '=' => TokenKind.Equal,
                _ => null,
            };
            if (symbol is { } single)
            {
                tokens.Add(new CesqlToken(single, start, ++i));
                continue;
            }

            switch (c)
            {
                case '!':
                    if (Peek(text, i + 1) != '=')
                    {
                        error = new CesqlError("'!' must be followed by '=' (did you mean '!=' or NOT?)", start);
                        return false;
                    }
                    i += 2;
                    tokens.Add(new CesqlToken(TokenKind.NotEqual, start, i));
                    continue;
                case '<':
                    var next = Peek(text, i + 1);
                    var kind = next == '=' ? TokenKind.LessOrEqual : next == '>' ? TokenKind.LessGreater : TokenKind.Less;
                    i += kind == TokenKind.Less ? 1 : 2;
                    tokens.Add(new CesqlToken(kind, start, i));
                    continue;
                case '>':
                    var orEqual = Peek(text, i + 1) == '=';
                    i += orEqual ? 2 : 1;
                    tokens.Add(new CesqlToken(orEqual ? TokenKind.GreaterOrEqual : TokenKind.Greater, start, i));
                    continue;
                case '\'' or '"':
                    if (!TryReadString(text, ref i, out var literal, out error)) return false;
                    tokens.Add(new CesqlToken(TokenKind.String, start, i, literal));
                    continue;
            }

            if (IsWordChar(c))
            {
                var allDigits = true;
                while (i < text.Length && IsWordChar(text[i]))
                {
                    allDigits &= char.IsAsciiDigit(text[i]);
                    i++;
                }
                tokens.Add(new CesqlToken(allDigits ? TokenKind.Integer : Keyword(text.AsSpan(start, i - start)), start, i));
                continue;
            }

            error = new CesqlError($"unexpected character '{c}'", start);
            return false;
        }
    }

    private static char Peek(string text, int index) => index < text.Length ? text[index] : '\0';

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static TokenKind Keyword(ReadOnlySpan<char> word) => word.Length switch
    {
        2 when word.Equals("OR", StringComparison.OrdinalIgnoreCase) => TokenKind.Or,
        2 when word.Equals("IN", StringComparison.OrdinalIgnoreCase) => TokenKind.In,
        3 when word.Equals("AND", StringComparison.OrdinalIgnoreCase) => TokenKind.And,
        3 when word.Equals("XOR", StringComparison.OrdinalIgnoreCase) => TokenKind.Xor,
        3 when word.Equals("NOT", StringComparison.OrdinalIgnoreCase) => TokenKind.Not,
        4 when word.Equals("LIKE", StringComparison.OrdinalIgnoreCase) => TokenKind.Like,
        4 when word.Equals("TRUE", StringComparison.OrdinalIgnoreCase) => TokenKind.True,
        5 when word.Equals("FALSE", StringComparison.OrdinalIgnoreCase) => TokenKind.False,
        6 when word.Equals("EXISTS", StringComparison.OrdinalIgnoreCase) => TokenKind.Exists,
        _ => TokenKind.Word,
    };

    /// <summary>
    /// Reads a '…' or "…" literal. A backslash before the delimiting quote, or a doubled quote, yields the quote;
    /// any other backslash sequence is kept as written so LIKE patterns still see <c>\%</c> and <c>\_</c>.
    /// </summary>
    private static bool TryReadString(string text, ref int i, out string literal, out CesqlError? error)
    {
        var start = i;
        var quote = text[i++];
        var builder = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                var escaped = text[i + 1];
                if (escaped != quote) builder.Append('\\');
                builder.Append(escaped);
                i += 2;
                continue;
            }
            if (c == quote)
            {
                if (Peek(text, i + 1) == quote)
                {
                    builder.Append(quote);
                    i += 2;
                    continue;
                }
                i++;
                literal = builder.ToString();
                error = null;
                return true;
            }
            builder.Append(c);
            i++;
        }
        literal = "";
        error = new CesqlError("unterminated string literal", start);
        return false;
    }
}
