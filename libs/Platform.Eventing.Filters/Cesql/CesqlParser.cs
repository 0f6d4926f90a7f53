using System.Globalization;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// Recursive-descent parser for CESQL v1. Precedence follows spec §3.6, loosest first:
/// <code>
/// expression     := logic
/// logic          := comparison ( (AND | OR | XOR) logic )?             -- one level, grouping to the right
/// comparison     := additive ( (= | != | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;=) additive )*
/// additive       := multiplicative ( (+ | -) multiplicative )*
/// multiplicative := postfix ( (* | / | %) postfix )*
/// postfix        := unary ( NOT? LIKE string-literal | NOT? IN "(" logic ("," logic)* ")" )*
/// unary          := NOT unary | "-" unary | primary
/// primary        := integer | string | TRUE | FALSE | EXISTS identifier | function "(" args? ")"
///                 | identifier | "(" logic ")"
/// </code>
/// An integer literal may carry a sign ("-2147483648" is a literal, so the full 32-bit range is expressible).
/// </summary>
internal sealed class CesqlParser
{
    /// <summary>Deeper parentheses, calls and prefix operators are refused so parsing cannot exhaust the stack.</summary>
    public const int MaxNesting = 128;

    /// <summary>Taller trees (long operator chains) are refused so evaluation cannot exhaust the stack.</summary>
    public const int MaxDepth = 1000;

    private readonly string _text;
    private readonly List<CesqlToken> _tokens;
    private readonly List<MissingFunctionNode> _missingFunctions = [];
    private int _index;
    private int _nesting;

    private CesqlParser(string text, List<CesqlToken> tokens)
    {
        _text = text;
        _tokens = tokens;
    }

    public static bool TryParse(string text, out CesqlNode? root, out IReadOnlyList<MissingFunctionNode> missingFunctions, out CesqlError? error)
    {
        root = null;
        missingFunctions = [];
        if (!CesqlLexer.TryTokenize(text, out var tokens, out error)) return false;
        var parser = new CesqlParser(text, tokens);
        try
        {
            if (parser.Current.Kind == TokenKind.End) throw Fail("the expression is empty", parser.Current.Start);
            var node = parser.ParseLogic();
            if (parser.Current.Kind != TokenKind.End)
            {
                throw Fail($"unexpected {parser.Describe(parser.Current)} after the end of the expression", parser.Current.Start);
            }
            root = node;
            missingFunctions = parser._missingFunctions;
            return true;
        }
        catch (ParseFailure failure)
        {
            error = failure.Error;
            return false;
        }
    }

    private CesqlToken Current => _tokens[_index];

    private CesqlToken Next => _tokens[Math.Min(_index + 1, _tokens.Count - 1)];

    /// <summary>Consumes the current token; the End token is never consumed, so Current stays valid.</summary>
    private CesqlToken Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.End) _index++;
        return token;
    }

    /// <summary>
    /// AND, OR and XOR share one precedence level and group to the right, as the reference grammar
    /// (CESQLParser.g4, <c>&lt;assoc=right&gt;</c>) and so Knative's engine do: <c>a OR b AND c</c> is
    /// <c>a OR (b AND c)</c>. Operands are still evaluated left to right, with short-circuiting.
    /// </summary>
    private CesqlNode ParseLogic()
    {
        var operands = new List<CesqlNode> { ParseComparison() };
        var operators = new List<CesqlToken>();
        while (Current.Kind is TokenKind.And or TokenKind.Or or TokenKind.Xor)
        {
            operators.Add(Advance());
            operands.Add(ParseComparison());
        }
        // Folded from the right without recursion, so long chains cost no stack while parsing.
        var node = operands[^1];
        for (var i = operators.Count - 1; i >= 0; i--)
        {
            var op = operators[i];
            var kind = op.Kind switch { TokenKind.And => LogicOperator.And, TokenKind.Or => LogicOperator.Or, _ => LogicOperator.Xor };
            node = Checked(new LogicNode(op.Start, kind, operands[i], node));
        }
        return node;
    }

    private CesqlNode ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            var op = Current;
            if (op.Kind is not (TokenKind.Equal or TokenKind.NotEqual or TokenKind.LessGreater or TokenKind.Less
                or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual)) return left;
            Advance();
            var right = ParseAdditive();
            left = Checked(op.Kind switch
            {
                TokenKind.Equal => new EqualityNode(op.Start, false, left, right),
                TokenKind.NotEqual or TokenKind.LessGreater => new EqualityNode(op.Start, true, left, right),
                TokenKind.Less => new ComparisonNode(op.Start, ComparisonOperator.Less, left, right),
                TokenKind.LessOrEqual => new ComparisonNode(op.Start, ComparisonOperator.LessOrEqual, left, right),
                TokenKind.Greater => new ComparisonNode(op.Start, ComparisonOperator.Greater, left, right),
                _ => new ComparisonNode(op.Start, ComparisonOperator.GreaterOrEqual, left, right),
            });
        }
    }

    private CesqlNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Advance();
            var right = ParseMultiplicative();
            left = Checked(new ArithmeticNode(op.Start, op.Kind == TokenKind.Plus ? ArithmeticOperator.Add : ArithmeticOperator.Subtract, left, right));
        }
        return left;
    }

    private CesqlNode ParseMultiplicative()
    {
        var left = ParsePostfix();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var op = Advance();
            var right = ParsePostfix();
            var kind = op.Kind switch
            {
                TokenKind.Star => ArithmeticOperator.Multiply,
                TokenKind.Slash => ArithmeticOperator.Divide,
                _ => ArithmeticOperator.Modulo,
            };
            left = Checked(new ArithmeticNode(op.Start, kind, left, right));
        }
        return left;
    }

    private CesqlNode ParsePostfix()
    {
        var operand = ParseUnary();
        while (true)
        {
            var negated = Current.Kind == TokenKind.Not && Next.Kind is TokenKind.Like or TokenKind.In;
            if (negated) Advance();
            var op = Current;
            if (op.Kind == TokenKind.Like)
            {
                Advance();
                var pattern = Current;
                if (pattern.Kind != TokenKind.String)
                {
                    throw Fail($"LIKE must be followed by a string literal pattern, found {Describe(pattern)}", pattern.Start);
                }
                Advance();
                operand = Checked(new LikeNode(op.Start, operand, new LikePattern(pattern.Text!), negated));
            }
            else if (op.Kind == TokenKind.In)
            {
                Advance();
                operand = Checked(new InNode(op.Start, operand, ParseSet(), negated));
            }
            else
            {
                return operand;
            }
        }
    }

    private CesqlNode[] ParseSet()
    {
        var open = Current;
        if (open.Kind != TokenKind.LeftParen)
        {
            throw Fail($"IN must be followed by a parenthesised list of values, found {Describe(open)}", open.Start);
        }
        Advance();
        var elements = new List<CesqlNode>();
        do
        {
            if (Current.Kind == TokenKind.RightParen) throw Fail("IN needs at least one value in its list", Current.Start);
            elements.Add(Nested(ParseLogic));
        }
        while (TryConsume(TokenKind.Comma));
        Expect(TokenKind.RightParen, $"')' to close the IN list opened at position {open.Start}");
        return elements.ToArray();
    }

    private CesqlNode ParseUnary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Not:
                Advance();
                return Checked(new NotNode(token.Start, Nested(ParseUnary)));
            case TokenKind.Minus or TokenKind.Plus when Next.Kind == TokenKind.Integer && Next.Start == token.End:
                // A signed integer literal: the sign is part of the literal (integer-literal in spec §2.2).
                Advance();
                return IntegerLiteral(token, Advance());
            case TokenKind.Minus:
                Advance();
                return Checked(new NegateNode(token.Start, Nested(ParseUnary)));
            default:
                return ParsePrimary();
        }
    }

    private CesqlNode ParsePrimary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TokenKind.Integer:
                return IntegerLiteral(null, token);
            case TokenKind.String:
                return new LiteralNode(token.Start, CesqlValue.String(token.Text!));
            case TokenKind.True or TokenKind.False:
                return new LiteralNode(token.Start, CesqlValue.Boolean(token.Kind == TokenKind.True));
            case TokenKind.Exists:
                var name = Current;
                if (name.Kind != TokenKind.Word) throw Fail($"EXISTS must be followed by an attribute name, found {Describe(name)}", name.Start);
                Advance();
                return new ExistsNode(token.Start, AttributeName(name));
            case TokenKind.Word when Current.Kind == TokenKind.LeftParen:
                return ParseCall(token);
            case TokenKind.Word:
                return new AttributeNode(token.Start, AttributeName(token));
            case TokenKind.LeftParen:
                var inner = Nested(ParseLogic);
                Expect(TokenKind.RightParen, $"')' to close the '(' at position {token.Start}");
                return inner;
            default:
                throw Fail($"expected a value, an attribute, a function call or '(', found {Describe(token)}", token.Start);
        }
    }

    private CesqlNode ParseCall(CesqlToken nameToken)
    {
        var name = _text.Substring(nameToken.Start, nameToken.Length);
        if (!IsFunctionName(name))
        {
            throw Fail($"'{name}' is not a valid function name: function names are letters and underscores, starting with a letter", nameToken.Start);
        }
        var open = Advance();
        var arguments = new List<CesqlNode>();
        if (!TryConsume(TokenKind.RightParen))
        {
            do arguments.Add(Nested(ParseLogic));
            while (TryConsume(TokenKind.Comma));
            Expect(TokenKind.RightParen, $"')' to close the call of {name} opened at position {open.Start}");
        }
        if (CesqlFunctions.TryResolve(name, arguments.Count, out var function))
        {
            return Checked(new CallNode(nameToken.Start, function, arguments.ToArray()));
        }
        var missing = new MissingFunctionNode(nameToken.Start, name, arguments.Count);
        _missingFunctions.Add(missing);
        return missing;
    }

    private LiteralNode IntegerLiteral(CesqlToken? sign, CesqlToken digits)
    {
        var start = sign?.Start ?? digits.Start;
        var literal = _text.AsSpan(start, digits.End - start);
        if (!int.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Fail($"integer literal {literal} is outside the 32-bit range", start);
        }
        return new LiteralNode(start, CesqlValue.Integer(value));
    }

    private string AttributeName(CesqlToken token)
    {
        var name = _text.AsSpan(token.Start, token.Length);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                throw Fail($"'{name}' is not a valid attribute name: attribute names are letters and digits", token.Start);
            }
        }
        // Attribute names are lower case in CloudEvents; identifiers are matched case-insensitively.
        return name.ToString().ToLowerInvariant();
    }

    private static bool IsFunctionName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.AsSpan().ContainsAnyExcept(FunctionChars) == false;

    private static readonly System.Buffers.SearchValues<char> FunctionChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");

    private bool TryConsume(TokenKind kind)
    {
        if (Current.Kind != kind) return false;
        Advance();
        return true;
    }

    private void Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind) throw Fail($"expected {what}, found {Describe(Current)}", Current.Start);
        Advance();
    }

    /// <summary>Bounds recursion through parentheses, calls and prefix operators.</summary>
    private CesqlNode Nested(Func<CesqlNode> parse)
    {
        if (++_nesting > MaxNesting) throw Fail($"the expression is nested more than {MaxNesting} levels deep", Current.Start);
        try
        {
            return parse();
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>Bounds the tree height, which long left-associative chains grow without recursing.</summary>
    private CesqlNode Checked(CesqlNode node) =>
        node.Depth > MaxDepth ? throw Fail($"the expression is nested more than {MaxDepth} levels deep (split long operator chains)", node.Position) : node;

    private string Describe(CesqlToken token) =>
        token.Kind == TokenKind.End ? "the end of the expression" : $"'{_text.Substring(token.Start, token.Length)}'";

    private static ParseFailure Fail(string message, int position) => new(new CesqlError(message, position));

    private sealed class ParseFailure(CesqlError error) : Exception(error.Message)
    {
        public CesqlError Error { get; } = error;
    }
}
