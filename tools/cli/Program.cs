using Platform.Cli;

return await PlatformCli.InvokeAsync(args);
