namespace Platform.Fuzz;

/// <summary>What a mutation run found.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Inputs">Inputs tried.</param>
/// <param name="Crashes">Inputs for which the target threw.</param>
/// <param name="FirstCrash">The first such input and what it threw, or null.</param>
internal sealed record MutationReport(string Target, int Inputs, int Crashes, (byte[] Input, Exception Error)? FirstCrash);

/// <summary>
/// A fuzzer without AFL, for CI: inputs are the seeds with random byte-level edits (bit flips, interesting bytes,
/// insertions and deletions of runs, splices of two seeds), from a fixed seed so that a finding reproduces. It finds
/// less than afl-fuzz (no coverage feedback) but runs anywhere in seconds.
/// </summary>
internal static class MutationRun
{
    private static readonly byte[] Interesting = "\0\n\r\t :-[]{}&*!|>'\"%@`#?,\\\u00ff"u8.ToArray();

    public static MutationReport Run(FuzzTarget target, IReadOnlyList<byte[]> seeds, int iterations, int seed)
    {
        var random = new Random(seed);
        var crashes = 0;
        (byte[], Exception)? first = null;
        for (var i = 0; i < iterations; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Count)], seeds[random.Next(seeds.Count)], random);
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                crashes++;
                first ??= (input, e);
            }
        }
        return new MutationReport(target.Name, iterations, crashes, first);
    }

    public static byte[] Mutate(byte[] seed, byte[] other, Random random)
    {
        var data = new List<byte>(seed);
        for (int edits = random.Next(1, 9), e = 0; e < edits; e++)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0 when data.Count > 0: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when data.Count > 0: data[at] = Interesting[random.Next(Interesting.Length)]; break;
                case 2: data.InsertRange(at, Enumerable.Repeat(Interesting[random.Next(Interesting.Length)], random.Next(1, 32))); break;
                case 3 when data.Count > 0: data.RemoveRange(at, Math.Min(random.Next(1, 16), data.Count - at)); break;
                case 4 when other.Length > 0:
                    var from = random.Next(other.Length);
                    data.InsertRange(at, other.Skip(from).Take(random.Next(1, 64)));
                    break;
                default: data.Insert(at, (byte)random.Next(256)); break;
            }
        }
        return [.. data];
    }
}
