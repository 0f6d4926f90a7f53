using Platform.Resources.Validation;

namespace Platform.Resources.Serialization;

/// <summary>
/// Why a document could not be read: a syntax error (with line and column) or a schema error (unknown field,
/// wrong type) naming the field path.
/// </summary>
/// <param name="Document">1-based index of the document in a multi-document text.</param>
/// <param name="Path">Field path, empty for syntax errors.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Line">1-based line, when known.</param>
/// <param name="Column">1-based column, when known.</param>
public sealed record ReadError(int Document, string Path, string Message, int? Line = null, int? Column = null)
{
    /// <summary>The error as a field error (for API <c>Status</c> causes).</summary>
    public FieldError ToFieldError() => new(Path, Message);

    /// <summary><c>path: message</c>, or <c>line L, column C: message</c> for syntax errors.</summary>
    public override string ToString() =>
        Path.Length > 0 ? $"{Path}: {Message}" : Line is int line ? $"line {line}, column {Column}: {Message}" : Message;

    /// <summary>Like <see cref="ToString"/>, prefixed with the document number (for multi-document input).</summary>
    public string ToStringWithDocument() => $"document {Document}: {this}";
}

/// <summary>Thrown by the convenience readers when a text holds no valid resource; carries every error.</summary>
internal sealed class ResourceFormatException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    public ResourceFormatException(IReadOnlyList<ReadError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    /// <summary>Every error found.</summary>
    public IReadOnlyList<ReadError> Errors { get; }
}

/// <summary>What reading a text produced: every resource, and every error. Nothing should be applied unless <see cref="Success"/>.</summary>
/// <param name="Resources">Resources read, in document order (only documents without errors).</param>
/// <param name="Errors">Every error, in document order.</param>
public sealed record ReadResult(IReadOnlyList<Meta.Resource> Resources, IReadOnlyList<ReadError> Errors)
{
    /// <summary>True when no document had an error.</summary>
    public bool Success => Errors.Count == 0;
}
