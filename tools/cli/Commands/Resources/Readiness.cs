using System.Text.Json.Nodes;
using Platform.Cli.Client;

namespace Platform.Cli.Commands.Resources;

/// <summary>Where an object stands according to its <c>Ready</c> condition.</summary>
internal enum ReadyState
{
    /// <summary>No Ready condition yet, or Unknown: still reconciling.</summary>
    Pending,
    /// <summary>Ready=True.</summary>
    Ready,
    /// <summary>Ready=False: failed, with a reason and message.</summary>
    Failed,
}

/// <summary>The columns kn derives from <c>status.conditions</c>: <c>CONDITIONS</c>, <c>READY</c>, <c>REASON</c>.</summary>
/// <param name="State">Where the object stands.</param>
/// <param name="Ready"><c>True</c>, <c>False</c>, <c>Unknown</c> or <c>&lt;unknown&gt;</c> when there is no Ready condition.</param>
/// <param name="Reason">The Ready condition's reason when it is not True.</param>
/// <param name="Message">The Ready condition's message when it is not True.</param>
/// <param name="Summary"><c>2 OK / 3</c>: conditions that are True out of all.</param>
/// <param name="Stale">True when status describes an older generation than metadata (the controller has not caught up).</param>
internal sealed record Readiness(ReadyState State, string Ready, string Reason, string Message, string Summary, bool Stale)
{
    /// <summary>Reads <paramref name="obj"/>'s conditions (pure).</summary>
    public static Readiness Of(JsonObject obj)
    {
        var conditions = obj.ObjectsAt("status.conditions");
        var ok = conditions.Count(c => c.StringAt("status") == "True");
        var ready = conditions.FirstOrDefault(c => c.StringAt("type") == "Ready");
        var status = ready?.StringAt("status");
        var stale = obj.LongAt("metadata.generation") is long g && obj.LongAt("status.observedGeneration") is long o && o < g;
        var state = (status, stale) switch
        {
            ("True", false) => ReadyState.Ready,
            ("False", false) => ReadyState.Failed,
            _ => ReadyState.Pending,
        };
        var notTrue = status != "True";
        return new Readiness(state, status ?? "<unknown>",
            notTrue ? ready?.StringAt("reason") ?? "" : "",
            notTrue ? ready?.StringAt("message") ?? "" : "",
            $"{ok} OK / {conditions.Count}", stale);
    }
}
