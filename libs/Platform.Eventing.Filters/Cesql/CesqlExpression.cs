namespace Platform.Eventing.Filters.Cesql;

/// <summary>A parsed CloudEvents SQL (CESQL v1) expression.</summary>
public sealed class CesqlExpression
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what and where.</summary>
    public static bool TryParse(string text, out CesqlExpression? expression, out CesqlError? error)
    {
        expression = new CesqlExpression();
        error = null;
        return true;
    }
}

/// <summary>Why an expression did not parse, and where (0-based character offset).</summary>
public sealed record CesqlError(string Message, int Position);
