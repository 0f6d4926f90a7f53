using System.Collections;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// The rows of a table test, by label, for tables whose values are internal types: a public theory can only take
/// public parameter types, so it takes the label (<see cref="Labels"/>) and reads its row here. Rows are written as
/// a collection initializer, <c>{ "label", a, b }</c>, like <see cref="TheoryData{T1,T2}"/>'s.
/// </summary>
public sealed class Rows<T1, T2> : IEnumerable
{
    private readonly Dictionary<string, (T1, T2)> _rows = new(StringComparer.Ordinal);

    /// <summary>Adds a row; a label may appear once.</summary>
    public void Add(string label, T1 a, T2 b) => _rows.Add(label, (a, b));

    /// <summary>The row of <paramref name="label"/>.</summary>
    public (T1, T2) this[string label] => _rows[label];

    /// <summary>Every label, as a theory's data.</summary>
    public TheoryData<string> Labels => [.. _rows.Keys];

    IEnumerator IEnumerable.GetEnumerator() => _rows.GetEnumerator();
}

/// <inheritdoc cref="Rows{T1,T2}"/>
public sealed class Rows<T1, T2, T3> : IEnumerable
{
    private readonly Dictionary<string, (T1, T2, T3)> _rows = new(StringComparer.Ordinal);

    /// <summary>Adds a row; a label may appear once.</summary>
    public void Add(string label, T1 a, T2 b, T3 c) => _rows.Add(label, (a, b, c));

    /// <summary>The row of <paramref name="label"/>.</summary>
    public (T1, T2, T3) this[string label] => _rows[label];

    /// <summary>Every label, as a theory's data.</summary>
    public TheoryData<string> Labels => [.. _rows.Keys];

    IEnumerator IEnumerable.GetEnumerator() => _rows.GetEnumerator();
}

/// <inheritdoc cref="Rows{T1,T2}"/>
public sealed class Rows<T1, T2, T3, T4> : IEnumerable
{
    private readonly Dictionary<string, (T1, T2, T3, T4)> _rows = new(StringComparer.Ordinal);

    /// <summary>Adds a row; a label may appear once.</summary>
    public void Add(string label, T1 a, T2 b, T3 c, T4 d) => _rows.Add(label, (a, b, c, d));

    /// <summary>The row of <paramref name="label"/>.</summary>
    public (T1, T2, T3, T4) this[string label] => _rows[label];

    /// <summary>Every label, as a theory's data.</summary>
    public TheoryData<string> Labels => [.. _rows.Keys];

    IEnumerator IEnumerable.GetEnumerator() => _rows.GetEnumerator();
}

/// <inheritdoc cref="Rows{T1,T2}"/>
public sealed class Rows<T1, T2, T3, T4, T5> : IEnumerable
{
    private readonly Dictionary<string, (T1, T2, T3, T4, T5)> _rows = new(StringComparer.Ordinal);

    /// <summary>Adds a row; a label may appear once.</summary>
    public void Add(string label, T1 a, T2 b, T3 c, T4 d, T5 e) => _rows.Add(label, (a, b, c, d, e));

    /// <summary>The row of <paramref name="label"/>.</summary>
    public (T1, T2, T3, T4, T5) this[string label] => _rows[label];

    /// <summary>Every label, as a theory's data.</summary>
    public TheoryData<string> Labels => [.. _rows.Keys];

    IEnumerator IEnumerable.GetEnumerator() => _rows.GetEnumerator();
}

/// <inheritdoc cref="Rows{T1,T2}"/>
public sealed class Rows<T1, T2, T3, T4, T5, T6> : IEnumerable
{
    private readonly Dictionary<string, (T1, T2, T3, T4, T5, T6)> _rows = new(StringComparer.Ordinal);

    /// <summary>Adds a row; a label may appear once.</summary>
    public void Add(string label, T1 a, T2 b, T3 c, T4 d, T5 e, T6 f) => _rows.Add(label, (a, b, c, d, e, f));

    /// <summary>The row of <paramref name="label"/>.</summary>
    public (T1, T2, T3, T4, T5, T6) this[string label] => _rows[label];

    /// <summary>Every label, as a theory's data.</summary>
    public TheoryData<string> Labels => [.. _rows.Keys];

    IEnumerator IEnumerable.GetEnumerator() => _rows.GetEnumerator();
}
