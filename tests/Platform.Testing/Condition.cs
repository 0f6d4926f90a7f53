namespace Platform.Testing;

/// <summary>Waits on a condition with a deadline, never a fixed sleep.</summary>
public static class Condition
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>The synchronous form of <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string)"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
