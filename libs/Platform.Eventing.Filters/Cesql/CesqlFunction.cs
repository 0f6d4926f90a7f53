using System.Runtime.CompilerServices;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>Computes a function from arguments already cast to its parameter types.</summary>
internal delegate CesqlValue FunctionBody(ReadOnlySpan<CesqlValue> arguments, ref EvaluationScope scope, int position);

/// <summary>
/// One overload of a built-in function (spec §3.5): fixed parameters, optionally followed by a repeated one.
/// A null parameter type takes any type uncast (the casting functions).
/// </summary>
internal sealed class CesqlFunction(string name, CesqlType?[] parameters, bool variadic, CesqlType returnType, FunctionBody body)
{
    public string Name { get; } = name;

    public CesqlType ReturnType { get; } = returnType;

    public FunctionBody Body { get; } = body;

    /// <summary>Number of arguments always required.</summary>
    public int FixedArity { get; } = variadic ? parameters.Length - 1 : parameters.Length;

    public bool IsVariadic { get; } = variadic;

    public CesqlType? ParameterType(int index) => index < parameters.Length ? parameters[index] : parameters[^1];

    public bool Accepts(int arity) => IsVariadic ? arity >= FixedArity : arity == FixedArity;
}

[InlineArray(4)]
internal struct ArgumentBuffer
{
    private CesqlValue _element;
}

internal sealed class CallNode(int position, CesqlFunction function, CesqlNode[] arguments)
    : CesqlNode(position, DepthOf(arguments))
{
    public override CesqlType? ReturnType => function.ReturnType;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        // Up to four arguments live on the stack; only long CONCAT calls allocate.
        var buffer = new ArgumentBuffer();
        Span<CesqlValue> values = arguments.Length <= 4 ? buffer[..arguments.Length] : new CesqlValue[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (!TryEvaluate(arguments[i], ref scope, out var value)) return CesqlValue.Zero(function.ReturnType);
            var type = function.ParameterType(i);
            values[i] = type is { } target ? CesqlCast.Implicit(value, target, ref scope, arguments[i].Position) : value;
        }
        return function.Body(values, ref scope, Position);
    }
}

/// <summary>
/// A call no built-in accepts: the TCK wants a MissingFunction error at evaluation, not a parse error, so the
/// parser keeps the call and the node raises the error (value false, spec §3.5).
/// </summary>
internal sealed class MissingFunctionNode(int position, string name, int arity) : CesqlNode(position, 1)
{
    public string Name { get; } = name;

    public int Arity { get; } = arity;

    public override CesqlType? ReturnType => CesqlType.Boolean;

    public override CesqlValue Evaluate(ref EvaluationScope scope)
    {
        scope.Raise(CesqlErrorKind.MissingFunction, Position, this, static n => CesqlFunctions.DescribeMissing(n.Name, n.Arity));
        return CesqlValue.False;
    }
}
