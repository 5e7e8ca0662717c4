using System.Collections.Concurrent;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// The reads on a system itself (<see cref="IsingSystem.Energy"/>, <see cref="IsingSystem.Observe"/>,
/// <see cref="IsingSystem.Clone"/>, <see cref="IsingSystemFile.ToJson"/>) see one state while
/// another thread mutates it: each result is one of the states the system goes through.
/// </summary>
public class SystemReadConsistencyTests
{
    [Test]
    public void ReadsOnTheSystemSeeOneStateWhileAnotherThreadMutatesIt()
    {
        const int n = 200;
        var rng = new Random(7);
        double[][] j = [Systems.RandomCouplings(n, rng), Systems.RandomCouplings(n, rng, 2.0)];
        sbyte[][] spins = [Systems.RandomSpins(n, rng), Systems.RandomSpins(n, rng)];
        double[] h = Systems.RandomFields(n, rng, 0.5);
        IsingSystem live = IsingSystem.FromArrays(n, j[0], h, spins[0]);

        // The four states the mutator goes through, and what each read gives on them.
        var energies = new HashSet<long>();
        var observed = new HashSet<Observables>();
        var json = new HashSet<string>();
        foreach (double[] jv in j)
            foreach (sbyte[] sv in spins)
            {
                IsingSystem state = IsingSystem.FromArrays(n, jv, h, sv);
                energies.Add(BitConverter.DoubleToInt64Bits(state.Energy()));
                observed.Add(state.Observe());
                json.Add(IsingSystemFile.ToJson(state));
            }

        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var mutator = new Thread(() =>
        {
            for (long step = 0; !stop.IsCancellationRequested; step++)
                if ((step & 1) == 0) live.SetCouplings(j[(step >> 1) & 1]);
                else live.SetSpins(spins[(step >> 2) & 1]);
        });
        mutator.Start();
        try
        {
            var readers = new Thread[4];
            for (int t = 0; t < readers.Length; t++)
            {
                readers[t] = new Thread(() =>
                {
                    for (int r = 0; r < 200; r++)
                    {
                        if (!energies.Contains(BitConverter.DoubleToInt64Bits(live.Energy()))) failures.Enqueue("Energy of no state");
                        if (!observed.Contains(live.Observe())) failures.Enqueue("Observe of no state");
                        if (r % 50 == 0)
                        {
                            if (!json.Contains(IsingSystemFile.ToJson(live))) failures.Enqueue("ToJson of no state");
                            if (!json.Contains(IsingSystemFile.ToJson(live.Clone()))) failures.Enqueue("Clone of no state");
                        }
                    }
                });
                readers[t].Start();
            }
            foreach (Thread th in readers) th.Join();
        }
        finally
        {
            stop.Cancel();
            mutator.Join();
        }
        Assert.That(failures.Distinct(), Is.Empty);
    }
}
