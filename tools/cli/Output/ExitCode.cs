namespace Platform.Cli.Output;

/// <summary>Exit codes of every <c>platform</c> command.</summary>
internal static class ExitCode
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed at run time (a process exited, a port was taken, a request failed).</summary>
    public const int Failure = 1;

    /// <summary>The command line or a configuration file is wrong; nothing was changed.</summary>
    public const int Usage = 2;
}
