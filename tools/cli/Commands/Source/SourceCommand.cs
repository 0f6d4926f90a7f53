using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Source;

/// <summary><c>platform source ping|apiserver|binding|container …</c>: one subcommand group per source kind.</summary>
internal static class SourceCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var connection = new Connection();
        var group = connection.AddTo(new Command("source", "Manage event sources"));
        group.Subcommands.Add(PingSourceCommands.Create(terminal, connection, time));
        group.Subcommands.Add(ApiServerSourceCommands.Create(terminal, connection, time));
        group.Subcommands.Add(BindingCommand.Create(terminal, connection, time));
        group.Subcommands.Add(ContainerCommand.Create(terminal, connection, time));
        return group;
    }
}
