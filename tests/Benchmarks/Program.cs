// Benchmarks: `dotnet run -c Release --project tests/Benchmarks -- <name> [--short]`.
Console.WriteLine("benchmarks: none yet");
