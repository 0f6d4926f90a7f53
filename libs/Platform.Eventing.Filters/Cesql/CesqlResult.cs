namespace Platform.Eventing.Filters.Cesql;

/// <summary>The kinds of error the CESQL specification defines (§3.3), named as the TCK names them.</summary>
public enum CesqlErrorKind
{
    /// <summary>The expression did not parse.</summary>
    Parse,

    /// <summary>Division or modulo by zero, or integer overflow.</summary>
    Math,

    /// <summary>An implicit or explicit type cast failed.</summary>
    Cast,

    /// <summary>The expression addressed an attribute the event does not have.</summary>
    MissingAttribute,

    /// <summary>No function of that name accepts that many arguments.</summary>
    MissingFunction,

    /// <summary>A function was called with arguments outside its domain.</summary>
    FunctionEvaluation,

    /// <summary>Any other error.</summary>
    Generic,
}

/// <summary>One error raised while evaluating an expression.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">A human-readable explanation.</param>
/// <param name="Position">0-based offset in the expression text of the sub-expression that raised it.</param>
public sealed record CesqlEvaluationError(CesqlErrorKind Kind, string Message, int Position)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message} at position {Position}";
}

/// <summary>
/// The outcome of evaluating an expression: CESQL is total, so there is always a value, and possibly errors
/// (spec §3.3, "complete evaluation mode").
/// </summary>
/// <param name="Value">The value the expression evaluated to.</param>
/// <param name="Errors">The errors raised while evaluating, in the order they were raised; empty when none.</param>
public sealed record CesqlResult(CesqlValue Value, IReadOnlyList<CesqlEvaluationError> Errors)
{
    /// <summary>True when at least one error was raised.</summary>
    public bool HasErrors => Errors.Count > 0;

    /// <summary>
    /// True when the expression passes as a filter (spec §1.2): the value is the Boolean <c>true</c> and no error
    /// was raised.
    /// </summary>
    public bool Passes => Value.IsTrue && Errors.Count == 0;
}
