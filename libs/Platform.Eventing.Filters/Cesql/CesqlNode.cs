namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// A node of the parsed expression. Evaluation follows the spec's error rules: an error inside an operand makes the
/// operator return the zero value of its return type without computing (so <c>missing / 0</c> is a missing
/// attribute, not a division by zero), while a cast or math error of the operator itself keeps the computed value.
/// </summary>
internal abstract class CesqlNode(int position, int depth)
{
    /// <summary>0-based offset of the node in the expression text.</summary>
    public int Position { get; } = position;

    /// <summary>Height of the subtree, bounded by the parser so evaluation cannot exhaust the stack.</summary>
    public int Depth { get; } = depth;

    /// <summary>The type this node returns, or null when only the event knows (attribute access).</summary>
    public abstract CesqlType? ReturnType { get; }

    public abstract CesqlValue Evaluate(ref EvaluationScope scope);

    /// <summary>Evaluates <paramref name="operand"/>; false when it raised an error.</summary>
    protected static bool TryEvaluate(CesqlNode operand, ref EvaluationScope scope, out CesqlValue value)
    {
        var before = scope.ErrorCount;
        value = operand.Evaluate(ref scope);
        return scope.ErrorCount == before;
    }

    protected static int DepthOf(params ReadOnlySpan<CesqlNode> children)
    {
        var max = 0;
        foreach (var child in children) max = Math.Max(max, child.Depth);
        return max + 1;
    }
}
