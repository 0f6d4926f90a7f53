using Platform.Eventing.Filters.Events;

namespace Platform.Eventing.Filters.Cesql;

internal sealed class LiteralNode(int position, CesqlValue value) : CesqlNode(position, 1)
{
    public CesqlValue Value { get; } = value;

    public override CesqlType? ReturnType => Value.Type;

    public override CesqlValue Evaluate(ref EvaluationScope scope) => Value;
}

/// <summary>Attribute access; a missing attribute raises MissingAttribute and evaluates to false (spec §3.2).</summary>
internal sealed class AttributeNode(int position, string name) : CesqlNode(position, 1)
{
    public string Name { get; } = name;

    public override CesqlType? ReturnType => null;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (EventAttributes.TryGetRaw(scope.Event, Name, out var raw, out var attribute))
        {
            return raw switch
            {
                string text => CesqlValue.String(text),
                int integer => CesqlValue.Integer(integer),
                bool boolean => CesqlValue.Boolean(boolean),
                _ => CesqlValue.String(EventAttributes.Format(raw, attribute)),
            };
        }
        scope.Raise(CesqlErrorKind.MissingAttribute, Position, Name, static name => $"the event has no attribute '{name}'");
        return CesqlValue.False;
    }
}

internal sealed class ExistsNode(int position, string name) : CesqlNode(position, 1)
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope) =>
        CesqlValue.Boolean(EventAttributes.TryGetRaw(scope.Event, name, out _, out _));
}

internal sealed class NotNode(int position, CesqlNode operand) : CesqlNode(position, DepthOf(operand))
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(operand, ref scope, out var value)) return CesqlValue.False;
        return CesqlValue.Boolean(!CesqlCast.Implicit(value, CesqlType.Boolean, ref scope, operand.Position).AsBoolean);
    }
}

internal sealed class NegateNode(int position, CesqlNode operand) : CesqlNode(position, DepthOf(operand))
{
    public override CesqlType? ReturnType => CesqlType.Integer;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(operand, ref scope, out var value)) return CesqlValue.Integer(0);
        var integer = CesqlCast.Implicit(value, CesqlType.Integer, ref scope, operand.Position).AsInteger;
        if (integer == int.MinValue)
        {
            // As ABS does (spec §3.5.2): the closest representable value, and a math error.
            scope.Raise(CesqlErrorKind.Math, Position, "integer overflow negating -2147483648");
            return CesqlValue.Integer(int.MaxValue);
        }
        return CesqlValue.Integer(-integer);
    }
}

internal enum ArithmeticOperator { Add, Subtract, Multiply, Divide, Modulo }

internal sealed class ArithmeticNode(int position, ArithmeticOperator op, CesqlNode left, CesqlNode right)
    : CesqlNode(position, DepthOf(left, right))
{
    public override CesqlType? ReturnType => CesqlType.Integer;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(left, ref scope, out var l) || !TryEvaluate(right, ref scope, out var r)) return CesqlValue.Integer(0);
        long x = CesqlCast.Implicit(l, CesqlType.Integer, ref scope, left.Position).AsInteger;
        long y = CesqlCast.Implicit(r, CesqlType.Integer, ref scope, right.Position).AsInteger;
        if (y == 0 && op is ArithmeticOperator.Divide or ArithmeticOperator.Modulo)
        {
            scope.Raise(CesqlErrorKind.Math, Position, op == ArithmeticOperator.Divide ? "division by zero" : "modulo by zero");
            return CesqlValue.Integer(0);
        }
        // C# division and remainder truncate towards zero, as the spec requires; long avoids intermediate overflow.
        var result = op switch
        {
            ArithmeticOperator.Add => x + y,
            ArithmeticOperator.Subtract => x - y,
            ArithmeticOperator.Multiply => x * y,
            ArithmeticOperator.Divide => x / y,
            _ => x % y,
        };
        if (result is < int.MinValue or > int.MaxValue)
        {
            scope.Raise(CesqlErrorKind.Math, Position, result, static r => $"integer overflow: {r} is outside the 32-bit range");
            return CesqlValue.Integer(0);
        }
        return CesqlValue.Integer((int)result);
    }
}

internal enum ComparisonOperator { Less, LessOrEqual, Greater, GreaterOrEqual }

/// <summary>&lt; &lt;= &gt; &gt;= are defined for Integer only: both operands are cast to Integer.</summary>
internal sealed class ComparisonNode(int position, ComparisonOperator op, CesqlNode left, CesqlNode right)
    : CesqlNode(position, DepthOf(left, right))
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(left, ref scope, out var l) || !TryEvaluate(right, ref scope, out var r)) return CesqlValue.False;
        var x = CesqlCast.Implicit(l, CesqlType.Integer, ref scope, left.Position).AsInteger;
        var y = CesqlCast.Implicit(r, CesqlType.Integer, ref scope, right.Position).AsInteger;
        return CesqlValue.Boolean(op switch
        {
            ComparisonOperator.Less => x < y,
            ComparisonOperator.LessOrEqual => x <= y,
            ComparisonOperator.Greater => x > y,
            _ => x >= y,
        });
    }
}

/// <summary>
/// = != &lt;&gt; are ambiguous (Boolean, Integer, String): the right operand's type decides and the left operand is
/// cast to it (spec §3.7).
/// </summary>
internal sealed class EqualityNode(int position, bool negated, CesqlNode left, CesqlNode right)
    : CesqlNode(position, DepthOf(left, right))
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(left, ref scope, out var l) || !TryEvaluate(right, ref scope, out var r)) return CesqlValue.False;
        var equal = CesqlCast.Implicit(l, r.Type, ref scope, left.Position) == r;
        return CesqlValue.Boolean(equal != negated);
    }
}

internal enum LogicOperator { And, Or, Xor }

/// <summary>AND and OR short-circuit (spec §3.4.2); XOR evaluates both sides.</summary>
internal sealed class LogicNode(int position, LogicOperator op, CesqlNode left, CesqlNode right)
    : CesqlNode(position, DepthOf(left, right))
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(left, ref scope, out var l)) return CesqlValue.False;
        var x = CesqlCast.Implicit(l, CesqlType.Boolean, ref scope, left.Position).AsBoolean;
        if (op == LogicOperator.And && !x) return CesqlValue.False;
        if (op == LogicOperator.Or && x) return CesqlValue.True;
        if (!TryEvaluate(right, ref scope, out var r)) return CesqlValue.False;
        var y = CesqlCast.Implicit(r, CesqlType.Boolean, ref scope, right.Position).AsBoolean;
        return CesqlValue.Boolean(op == LogicOperator.Xor ? x != y : y);
    }
}

internal sealed class LikeNode(int position, CesqlNode operand, LikePattern pattern, bool negated)
    : CesqlNode(position, DepthOf(operand))
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(operand, ref scope, out var value)) return CesqlValue.False;
        var text = CesqlCast.Implicit(value, CesqlType.String, ref scope, operand.Position).AsString;
        return CesqlValue.Boolean(pattern.IsMatch(text) != negated);
    }
}

/// <summary>
/// IN compares with the semantics of =, but each element is cast to the left operand's type (spec §3.4.5).
/// Elements are evaluated left to right and the search stops at the first match.
/// </summary>
internal sealed class InNode(int position, CesqlNode operand, CesqlNode[] elements, bool negated)
    : CesqlNode(position, Math.Max(DepthOf(operand), DepthOf(elements)))
{
    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        if (!TryEvaluate(operand, ref scope, out var value)) return CesqlValue.False;
        foreach (var element in elements)
        {
            if (!TryEvaluate(element, ref scope, out var candidate)) return CesqlValue.False;
            if (CesqlCast.Implicit(candidate, value.Type, ref scope, element.Position) == value) return CesqlValue.Boolean(!negated);
        }
        return CesqlValue.Boolean(negated);
    }
}
