using System.Globalization;
using System.Text.Json;

namespace Platform.Sidecar.Core.PubSub;

/// <summary>
/// The subset of CEL that Dapr routing rules use: <c>event.attr</c> paths (nested into <c>event.data</c>), string,
/// number, boolean and null literals, <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, parentheses, and the
/// string methods <c>startsWith</c>, <c>endsWith</c>, <c>contains</c>.
/// </summary>
internal sealed class CelMatch
{
    private readonly Node _root;

    private CelMatch(Node root) => _root = root;

    /// <summary>Compiles <paramref name="expression"/>; on failure <paramref name="error"/> says where and why.</summary>
    public static bool TryCompile(string expression, out CelMatch? match, out string? error)
    {
        try
        {
            var parser = new Parser(Tokenize(expression));
            var node = parser.ParseOr();
            if (!parser.AtEnd) throw new FormatException($"unexpected '{parser.Peek.Text}'");
            match = new CelMatch(node);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            match = null;
            error = $"invalid match expression '{expression}': {e.Message}";
            return false;
        }
    }

    /// <summary>True when the expression holds for <paramref name="cloudEvent"/>.</summary>
    public bool Evaluate(JsonElement cloudEvent) => _root.Eval(cloudEvent) is true;

    private enum Kind { Ident, String, Number, Op, LParen, RParen, Comma, End }

    private readonly record struct Token(Kind Kind, string Text);

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '"' or '\'')
            {
                var end = s.IndexOf(c, i + 1);
                if (end < 0) throw new FormatException($"unterminated string at {i}");
                tokens.Add(new(Kind.String, s[(i + 1)..end]));
                i = end + 1;
                continue;
            }
            if (char.IsDigit(c))
            {
                var start = i;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
                tokens.Add(new(Kind.Number, s[start..i]));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.')) i++;
                tokens.Add(new(Kind.Ident, s[start..i]));
                continue;
            }
            var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
            if (two is "==" or "!=" or "&&" or "||" or "<=" or ">=") { tokens.Add(new(Kind.Op, two)); i += 2; continue; }
            switch (c)
            {
                case '<' or '>' or '!': tokens.Add(new(Kind.Op, c.ToString())); break;
                case '(': tokens.Add(new(Kind.LParen, "(")); break;
                case ')': tokens.Add(new(Kind.RParen, ")")); break;
                case ',': tokens.Add(new(Kind.Comma, ",")); break;
                default: throw new FormatException($"unexpected character '{c}' at {i}");
            }
            i++;
        }
        tokens.Add(new(Kind.End, "end of expression"));
        return tokens;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _pos;

        public Token Peek => tokens[_pos];
        public bool AtEnd => Peek.Kind == Kind.End;

        private Token Next() => tokens[_pos++];

        private bool TryOp(string op)
        {
            if (Peek.Kind == Kind.Op && Peek.Text == op) { _pos++; return true; }
            return false;
        }

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (TryOp("||")) left = new Binary("||", left, ParseAnd());
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseComparison();
            while (TryOp("&&")) left = new Binary("&&", left, ParseComparison());
            return left;
        }

        private Node ParseComparison()
        {
            var left = ParseUnary();
            if (Peek.Kind == Kind.Op && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
                return new Binary(Next().Text, left, ParseUnary());
            return left;
        }

        private Node ParseUnary()
        {
            if (TryOp("!")) return new Not(ParseUnary());
            var t = Next();
            switch (t.Kind)
            {
                case Kind.LParen:
                    var inner = ParseOr();
                    if (Next().Kind != Kind.RParen) throw new FormatException("missing ')'");
                    return inner;
                case Kind.String:
                    return new Literal(t.Text);
                case Kind.Number:
                    return new Literal(double.Parse(t.Text, CultureInfo.InvariantCulture));
                case Kind.Ident when t.Text == "true": return new Literal(true);
                case Kind.Ident when t.Text == "false": return new Literal(false);
                case Kind.Ident when t.Text == "null": return new Literal(null);
                case Kind.Ident:
                    var parts = t.Text.Split('.');
                    if (parts[0] != "event") throw new FormatException($"unknown identifier '{t.Text}' (use event.<attribute>)");
                    if (Peek.Kind == Kind.LParen && parts.Length > 2 && parts[^1] is "startsWith" or "endsWith" or "contains")
                    {
                        Next();
                        var arg = ParseOr();
                        if (Next().Kind != Kind.RParen) throw new FormatException("missing ')' after method argument");
                        return new Method(parts[^1], new Path(parts[1..^1]), arg);
                    }
                    if (parts.Length < 2) throw new FormatException("'event' needs an attribute, e.g. event.type");
                    return new Path(parts[1..]);
                default:
                    throw new FormatException($"unexpected '{t.Text}'");
            }
        }
    }

    private abstract record Node
    {
        public abstract object? Eval(JsonElement e);
    }

    private sealed record Literal(object? Value) : Node
    {
        public override object? Eval(JsonElement e) => Value;
    }

    private sealed record Path(string[] Segments) : Node
    {
        public override object? Eval(JsonElement e)
        {
            var current = e;
            foreach (var s in Segments)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(s, out current)) return null;
            }
            return current.ValueKind switch
            {
                JsonValueKind.String => current.GetString(),
                JsonValueKind.Number => current.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => current.GetRawText(),
            };
        }
    }

    private sealed record Not(Node Inner) : Node
    {
        public override object? Eval(JsonElement e) => Inner.Eval(e) is not true;
    }

    private sealed record Method(string Name, Node Target, Node Argument) : Node
    {
        public override object? Eval(JsonElement e)
        {
            if (Target.Eval(e) is not string s || Argument.Eval(e) is not string arg) return false;
            return Name switch
            {
                "startsWith" => s.StartsWith(arg, StringComparison.Ordinal),
                "endsWith" => s.EndsWith(arg, StringComparison.Ordinal),
                _ => s.Contains(arg, StringComparison.Ordinal),
            };
        }
    }

    private sealed record Binary(string Op, Node Left, Node Right) : Node
    {
        public override object? Eval(JsonElement e)
        {
            switch (Op)
            {
                case "&&": return Left.Eval(e) is true && Right.Eval(e) is true;
                case "||": return Left.Eval(e) is true || Right.Eval(e) is true;
            }
            var l = Left.Eval(e);
            var r = Right.Eval(e);
            return Op switch
            {
                "==" => Equals(l, r),
                "!=" => !Equals(l, r),
                _ => Compare(l, r) is int c && Op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 },
            };
        }

        private static int? Compare(object? l, object? r) => (l, r) switch
        {
            (double a, double b) => a.CompareTo(b),
            (string a, string b) => string.CompareOrdinal(a, b),
            _ => null,
        };
    }
}
