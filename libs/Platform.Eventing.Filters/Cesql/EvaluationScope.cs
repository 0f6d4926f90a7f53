using CloudNative.CloudEvents;

namespace Platform.Eventing.Filters.Cesql;

/// <summary>
/// State of one evaluation: the event and the errors raised so far. A struct passed by reference so that a filter
/// match (which only needs to know whether an error happened) allocates nothing; messages are only built when the
/// caller asked for the error list.
/// </summary>
internal struct EvaluationScope(CloudEvent cloudEvent, List<CesqlEvaluationError>? errors)
{
    public readonly CloudEvent Event = cloudEvent;
    public readonly List<CesqlEvaluationError>? Errors = errors;
    public int ErrorCount;

    public void Raise(CesqlErrorKind kind, int position, string message)
    {
        ErrorCount++;
        Errors?.Add(new CesqlEvaluationError(kind, message, position));
    }

    public void Raise<TState>(CesqlErrorKind kind, int position, TState state, Func<TState, string> message)
    {
        ErrorCount++;
        Errors?.Add(new CesqlEvaluationError(kind, message(state), position));
    }
}
