using System.Text.Json.Nodes;
using Platform.Resources.Serialization;

namespace Platform.Cli.Client;

/// <summary>
/// What the resource commands need from a control plane: the Kubernetes verbs on one kind, plus a multi-document
/// apply that writes everything or nothing. Objects travel as JSON trees so that fields this CLI does not model
/// (a newer server's status) survive a read-modify-write.
/// </summary>
public interface IResourceClient : IDisposable
{
    /// <summary>Where the client talks to, for messages (<c>http://127.0.0.1:5100</c>, <c>cluster https://...</c>).</summary>
    string Target { get; }

    /// <summary>Every object of <paramref name="kind"/> in <paramref name="ns"/>, or in every namespace when null.</summary>
    Task<IReadOnlyList<JsonObject>> ListAsync(KindInfo kind, string? ns, CancellationToken cancel);

    /// <summary>One object; <see cref="ApiException"/> with code 404 when it does not exist.</summary>
    Task<JsonObject> GetAsync(KindInfo kind, string ns, string name, CancellationToken cancel);

    /// <summary>Creates <paramref name="obj"/> and returns what was stored.</summary>
    Task<JsonObject> CreateAsync(KindInfo kind, string ns, JsonObject obj, CancellationToken cancel);

    /// <summary>Replaces an object (its <c>metadata.resourceVersion</c> is the precondition: 409 when stale).</summary>
    Task<JsonObject> ReplaceAsync(KindInfo kind, string ns, string name, JsonObject obj, CancellationToken cancel);

    /// <summary>Applies an RFC 7386 merge patch.</summary>
    Task<JsonObject> PatchAsync(KindInfo kind, string ns, string name, JsonObject mergePatch, CancellationToken cancel);

    /// <summary>Deletes an object (owned objects go with it).</summary>
    Task DeleteAsync(KindInfo kind, string ns, string name, CancellationToken cancel);

    /// <summary>
    /// Creates or replaces every object, all or nothing: when one is refused nothing is written and the
    /// <see cref="ApiException"/> names it. Objects without a namespace go to <paramref name="ns"/>.
    /// </summary>
    Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, string ns, CancellationToken cancel);

    /// <summary>
    /// Change events of <paramref name="kind"/> in <paramref name="ns"/> after <paramref name="resourceVersion"/>,
    /// until the server ends the stream or <paramref name="cancel"/> fires.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(KindInfo kind, string ns, string? resourceVersion, CancellationToken cancel);

    /// <summary>
    /// Output lines of a Service's replicas (<c>[replica] text</c>): of <paramref name="revision"/>, else of every
    /// revision it routes to; with <paramref name="follow"/> the stream stays open for new lines.
    /// </summary>
    IAsyncEnumerable<string> LogsAsync(string ns, string service, string? revision, bool follow, CancellationToken cancel);
}

/// <summary>One object written by <see cref="IResourceClient.ApplyAsync"/>.</summary>
/// <param name="Action"><c>created</c>, <c>configured</c> or <c>unchanged</c>.</param>
/// <param name="Object">The object as stored.</param>
public sealed record AppliedObject(string Action, JsonObject Object);

/// <summary>One watch event.</summary>
/// <param name="Type"><c>ADDED</c>, <c>MODIFIED</c>, <c>DELETED</c> (or <c>ERROR</c>, <c>BOOKMARK</c>).</param>
/// <param name="Object">The object after the change.</param>
public sealed record WatchEvent(string Type, JsonObject Object);
