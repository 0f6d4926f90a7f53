namespace Platform.Faults.Tests;

/// <summary>
/// Each fault case's own deadline (xunit honours it because this assembly runs one test at a time): a case that hangs
/// fails by itself, with its name, well before the run's 5-minute hang timeout would stop everything.
/// </summary>
internal static class FaultTimeout
{
    public const int Milliseconds = 240_000;
}
