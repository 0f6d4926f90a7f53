namespace Platform.Eventing.Filters.Cesql;

internal enum TokenKind
{
    End,
    LeftParen,
    RightParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Equal,
    NotEqual,
    LessGreater,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Xor,
    Not,
    Like,
    Exists,
    In,
    True,
    False,
    Integer,
    String,
    Word,
}

/// <summary>One token: its kind, where it starts and ends, and for strings the unescaped text.</summary>
internal readonly record struct CesqlToken(TokenKind Kind, int Start, int End, string? Text = null)
{
    public int Length => End - Start;
}
