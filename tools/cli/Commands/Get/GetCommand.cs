using System.CommandLine;
using Platform.Cli.Client;
using Platform.Cli.Commands.Resources;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Get;

/// <summary><c>platform get KIND [NAME]</c>: any kind by plural, singular or short name (<c>ksvc</c>, <c>rev</c>, <c>imc</c>, ...).</summary>
internal static class GetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal, TimeProvider? time = null)
    {
        var connection = new Connection();
        var kindArgument = new Argument<string>("kind") { Description = "Kind: services (ksvc), revisions (rev), routes, brokers, triggers, channels, imc, subscriptions, sequences, parallels, pingsources, ... or KIND/NAME" };
        var name = new Argument<string?>("name") { Description = "Name of one object (default: list them all)", Arity = ArgumentArity.ZeroOrOne };
        var all = KindVerbs.AllNamespacesOption();
        var output = ResourceOutput.Option();
        var command = connection.AddTo(new Command("get", "List objects of a kind, or show one") { kindArgument, name, all, output });
        command.SetAction((parse, cancel) => ResourceRun.RunAsync(terminal, connection, parse, cancel, (client, ns) =>
        {
            var word = parse.GetValue(kindArgument)!;
            var one = parse.GetValue(name);
            if (word.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
            {
                if (one is not null) throw new UsageException("give either KIND/NAME or KIND NAME, not both");
                (word, one) = (word[..slash], word[(slash + 1)..]);
            }
            var kind = ResourceRun.ResolveKind(word);
            if (one is not null && parse.GetValue(all)) throw new UsageException("-A/--all-namespaces lists; it cannot be combined with a NAME");
            return KindVerbs.ListAsync(terminal, client, kind, parse.GetValue(all) ? null : ns, one, parse.GetValue(output), time ?? TimeProvider.System, cancel);
        }));
        return command;
    }
}
