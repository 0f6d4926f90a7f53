using System.CommandLine;
using System.Diagnostics;
using Platform.Cli.Output;
using Platform.Resources.Crds;

namespace Platform.Cli.Commands.Deploy;

/// <summary>
/// <c>platform deploy</c>: what Kubernetes mode is installed from. <c>crds</c> writes the CustomResourceDefinitions
/// generated from the model into the Helm chart's <c>crds/</c> folder; <c>images</c> builds (and pushes) one
/// container image per service from its Dockerfile.
/// </summary>
internal static class DeployCommand
{
    /// <summary>The services that get an image: folder under <c>services/</c> and image name.</summary>
    public static readonly IReadOnlyList<string> Services = ["serving-controller", "activator", "autoscaler", "broker", "sources"];

    /// <summary>Builds the command.</summary>
    public static Command Create(Terminal terminal) => new("deploy", "Files and images for Kubernetes mode (the Helm chart in deploy/helm/platform)")
    {
        Crds(terminal),
        Images(terminal),
    };

    private static Command Crds(Terminal terminal)
    {
        var output = new Option<string?>("--output", "-o") { HelpName = "DIR", Description = $"Folder to write to (default {CustomResourceDefinitions.Folder} in the checkout)" };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 when the files in the folder differ from the model" };
        var command = new Command("crds", "Write the CRDs of every kind, generated from the resource model, into the chart's crds/ folder") { output, check };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output) ?? Path.Combine(RepositoryRoot() ?? Environment.CurrentDirectory, CustomResourceDefinitions.Folder);
            var files = CustomResourceDefinitions.Files();
            if (parse.GetValue(check))
            {
                var stale = files.Where(f => !File.Exists(Path.Combine(folder, f.FileName)) || File.ReadAllText(Path.Combine(folder, f.FileName)) != f.Text)
                    .Select(f => f.FileName).ToList();
                if (stale.Count == 0)
                {
                    terminal.Success($"{files.Count} CRDs in {folder} match the model");
                    return ExitCode.Ok;
                }

                terminal.Fail($"{stale.Count} CRD file(s) in {folder} differ from the model", stale, "run `platform deploy crds` and commit the files");
                return ExitCode.Failure;
            }

            Directory.CreateDirectory(folder);
            foreach (var (name, text) in files) File.WriteAllText(Path.Combine(folder, name), text);
            terminal.Success($"wrote {files.Count} CRDs to {folder}");
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Images(Terminal terminal)
    {
        var repository = new Option<string>("--repository") { HelpName = "REPO", Description = "Image repository prefix (image = REPO/SERVICE:TAG)", DefaultValueFactory = _ => "ghcr.io/platform" };
        var tag = new Option<string>("--tag") { HelpName = "TAG", Description = "Image tag", DefaultValueFactory = _ => "dev" };
        var push = new Option<bool>("--push") { Description = "Push each image after it is built" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the docker commands instead of running them" };
        var command = new Command("images", "Build one image per service from services/<name>/Dockerfile (needs docker)") { repository, tag, push, dryRun };
        command.SetAction(async (parse, cancel) =>
        {
            var root = RepositoryRoot();
            if (root is null)
            {
                terminal.Fail("not inside a Platform checkout (no Platform.sln above the current folder)", "run `platform deploy images` from the checkout");
                return ExitCode.Usage;
            }

            var commands = ImageCommands(parse.GetValue(repository)!, parse.GetValue(tag)!, parse.GetValue(push));
            if (parse.GetValue(dryRun))
            {
                foreach (var args in commands) terminal.Line("docker " + string.Join(' ', args));
                return ExitCode.Ok;
            }

            foreach (var args in commands)
            {
                terminal.Progress("docker " + string.Join(' ', args));
                using var process = Process.Start(new ProcessStartInfo("docker", args) { WorkingDirectory = root });
                if (process is null)
                {
                    terminal.Fail("docker could not be started", "install docker, or use --dry-run to see the commands");
                    return ExitCode.Failure;
                }

                await process.WaitForExitAsync(cancel).ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    terminal.Fail($"docker {args[0]} exited with {process.ExitCode}");
                    return ExitCode.Failure;
                }
            }

            return ExitCode.Ok;
        });
        return command;
    }

    /// <summary>The docker command lines for every service: build from the checkout root, then push when asked.</summary>
    public static IReadOnlyList<string[]> ImageCommands(string repository, string tag, bool push)
    {
        var commands = new List<string[]>();
        foreach (var service in Services)
        {
            var image = $"{repository.TrimEnd('/')}/{service}:{tag}";
            commands.Add(["build", "-f", $"services/{service}/Dockerfile", "-t", image, "."]);
            if (push) commands.Add(["push", image]);
        }

        return commands;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        return null;
    }
}
