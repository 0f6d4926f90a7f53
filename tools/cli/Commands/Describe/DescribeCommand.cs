using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Describe;

/// <summary><c>platform describe KIND NAME</c>: kn's describe for any kind.</summary>
internal static class DescribeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        var connection = new Connection();
        var kindArgument = new Argument<string>("kind") { Description = "Kind (services, ksvc, revisions, brokers, triggers, ...)" };
        var name = new Argument<string>("name") { Description = "Name of the object" };
        var output = ResourceOutput.Option();
        var command = connection.AddTo(new Command("describe", "Show the details and conditions of one object") { kindArgument, name, output });
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, (client, ns) =>
            KindVerbs.DescribeAsync(terminal, client, ResourceRun.ResolveKind(parse.GetValue(kindArgument)!), ns, parse.GetValue(name)!, parse.GetValue(output), time ?? TimeProvider.System, cancel)));
        return command;
    }
}
