using CloudNative.CloudEvents;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// A parsed CloudEvents SQL (CESQL v1) expression. Parse once (<see cref="TryParse"/>), then evaluate against
/// any number of events from any number of threads: the expression is immutable.
/// </summary>
public sealed class CesqlExpression
{
    private static readonly IReadOnlyList<CesqlEvaluationError> NoErrors = [];

    private readonly CesqlNode _root;

    private CesqlExpression(string text, CesqlNode root, IReadOnlyList<MissingFunctionNode> missingFunctions)
    {
        Text = text;
        _root = root;
        UnknownFunctions = missingFunctions
            .Select(f => new CesqlError(CesqlFunctions.DescribeMissing(f.Name, f.Arity), f.Position))
            .ToArray();
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>
    /// The type the expression returns, or null when it is a bare attribute (only the event knows its type).
    /// A filter needs Boolean.
    /// </summary>
    public CesqlType? ReturnType => _root.ReturnType;

    /// <summary>
    /// Calls of functions that do not exist (or not with that many arguments). The expression still parses, as the
    /// spec makes this an evaluation error (MissingFunction), but such a call can never succeed, so trigger
    /// validation reports them.
    /// </summary>
    public IReadOnlyList<CesqlError> UnknownFunctions { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what and where.</summary>
    public static bool TryParse(string text, out CesqlExpression? expression, out CesqlError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        expression = null;
        if (!CesqlParser.TryParse(text, out var root, out var missingFunctions, out error)) return false;
        expression = new CesqlExpression(text, root!, missingFunctions);
        return true;
    }

    /// <summary>Parses <paramref name="text"/>, throwing <see cref="FormatException"/> with the message and position.</summary>
    public static CesqlExpression Parse(string text) =>
        TryParse(text, out var expression, out var error)
            ? expression!
            : throw new FormatException($"Invalid CESQL expression: {error!.Message} at position {error.Position}.");

    /// <summary>
    /// Evaluates the expression in complete evaluation mode (spec §4.1): the value, and every error raised on the
    /// way. Missing attributes, casts, math and function errors never throw.
    /// </summary>
    public CesqlResult Evaluate(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var errors = new List<CesqlEvaluationError>();
        var scope = new EvaluationScope(cloudEvent, errors);
        var value = _root.Evaluate(ref scope);
        return new CesqlResult(value, errors.Count == 0 ? NoErrors : errors);
    }

    /// <summary>
    /// The filter predicate (spec §1.2): true only when the expression evaluates to the Boolean <c>true</c> without
    /// any error. Allocates nothing for expressions over string attributes, literals and comparisons.
    /// </summary>
    public bool Matches(CloudEvent cloudEvent)
    {
        var scope = new EvaluationScope(cloudEvent, null);
        var value = _root.Evaluate(ref scope);
        return scope.ErrorCount == 0 && value.IsTrue;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>Why an expression did not parse, and where (0-based character offset).</summary>
public sealed record CesqlError(string Message, int Position)
{
    /// <inheritdoc />
    public override string ToString() => $"{Message} at position {Position}";
}
