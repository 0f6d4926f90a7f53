using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Route;

/// <summary><c>platform route list|describe</c>.</summary>
internal static class RouteCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var kind = Platform.Resources.Serialization.ResourceTypes.Knative.KindOf<Platform.Resources.Serving.Route>();
        var connection = new Connection();
        var group = connection.AddTo(new Command("route", "Show routes (the named traffic of each Service)"));
        group.Subcommands.Add(KindVerbs.List(terminal, connection, kind, time));
        group.Subcommands.Add(KindVerbs.Describe(terminal, connection, kind, time));
        return group;
    }
}
