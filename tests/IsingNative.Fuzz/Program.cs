using IsingNative.Fuzz;

// Two modes:
//   IsingNative.Fuzz                  the SharpFuzz libFuzzer loop; started by tools/fuzz's
//                                     dotnet-driver, which passes inputs through shared memory.
//   IsingNative.Fuzz replay PATH...   runs the target once on each file (or each file of a
//                                     directory): checks the seed corpus, reproduces a crash
//                                     artifact. Exit code 1 and the exception on a finding.
if (args.Length > 0 && args[0] == "replay")
    return Replay.Run(args.AsSpan(1));
if (args.Length > 0)
{
    Console.Error.WriteLine("usage: IsingNative.Fuzz [replay PATH...]");
    return 2;
}
using (var target = new ReaderTarget())
    SharpFuzz.Fuzzer.LibFuzzer.Run(data => target.Run(data));
return 0;
