using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using IsingNative.Backends;
using IsingNative.Backends.Native;
using IsingNative.Core;
using IsingNative.Tests.Support;

namespace IsingNative.Tests;

/// <summary>
/// Issue 12 item 4, the concurrency contract (docs/MANAGED-API.md, "Threads"): one engine shared
/// by 16 threads gives every call bit for bit the serial result; a call that reads a system
/// another thread mutates returns the result of a state the system really had or throws
/// <see cref="SystemModifiedException"/>, never a mix, and leaves no torn value in a cache or an
/// agent set; Dispose of the engine or of a set with calls in flight lets them finish (or throw
/// <see cref="ObjectDisposedException"/>) and every later call throws it. The stress tests
/// assert only on outcomes that are well defined whatever the interleaving; the detection of a
/// torn read is proven deterministically by mutating from inside a call (a backend hook or a
/// progress callback). Per backend; ignored where the backend is absent.
/// </summary>
[TestFixtureSource(typeof(ConcurrencyStressTests), nameof(Backends))]
public class ConcurrencyStressTests(BackendKind backend)
{
    public static IEnumerable<BackendKind> Backends() => [BackendKind.Managed, BackendKind.NativeCpu, BackendKind.Gpu];

    private const int CallerThreads = 16;
    private const int N = 20;

    private static readonly EmpathyOptions Options = new() { Anneal = new AnnealOptions { Steps = 30, TrialsPerStep = 6 } };

    [SetUp]
    public void RequireBackend()
    {
        if (backend != BackendKind.Managed) NativeBackends.RequireAvailable(backend);
    }

    // ---- the work: every kind of call, as a bit signature ------------------------------------

    /// <summary>What a work item runs on: an engine, six systems (4 and 5 are the mutated ones) and a set of them.</summary>
    private sealed record Ctx(IsingEngine Engine, IsingSystem[] S, AgentSet Set, AgentSet? Set2 = null);

    private sealed record Item(string Name, Func<Ctx, string> Run, bool UsesSet2 = false)
    {
        public override string ToString() => Name;
    }

    private static List<Item> Items() =>
    [
        new("Empathy(0,4)", c => Sig.Of(c.Engine.Empathy(c.S[0], c.S[4], 11, Options))),
        new("Empathy(4,5)", c => Sig.Of(c.Engine.Empathy(c.S[4], c.S[5], 12, Options))),
        new("Empathy(5,1)", c => Sig.Of(c.Engine.Empathy(c.S[5], c.S[1], 13, Options))),
        new("EmpathyBatch", c =>
        {
            var r = new EmpathyResult[3];
            c.Engine.EmpathyBatch([new(c.S[0], c.S[4], 1), new(c.S[4], c.S[5], 2), new(c.S[2], c.S[3], 3)], r, Options);
            return Sig.Of(r);
        }),
        new("SocialAttention", c => Sig.Of(c.Engine.SocialAttention(c.S[5], [c.S[0], c.S[4], c.S[1]], 20, Options))),
        new("EmpathyMatrix", c =>
        {
            var s = new double[9];
            c.Engine.EmpathyMatrix([c.S[0], c.S[4], c.S[5]], 30, s, Options);
            return Sig.Of(s);
        }),
        new("Quick", c => Sig.Of(c.Engine.Quick(c.S[4], c.S[5]))),
        new("CouplingSimilarity", c => Sig.Of(c.Engine.CouplingSimilarity(c.S[1], c.S[4]))),
        new("Observe", c => Sig.Of(c.Engine.Observe(c.S[5]))),
        new("ObserveBatch", c =>
        {
            var r = new Observables[3];
            c.Engine.ObserveBatch([c.S[0], c.S[4], c.S[5]], r);
            return Sig.Of(r);
        }),
        new("Anneal", c =>
        {
            var spins = new sbyte[N];
            AnnealStats st = c.Engine.Anneal(c.S[4], 40, spins, Options.Anneal);
            return Sig.Of(st) + "|" + Sig.Of(spins);
        }),
        new("Sample", c => Sig.Of(c.Engine.Sample(c.S[5], 0.7, 3, 2, 1, 41))),
        new("Set.Empathy(4,5)", c => Sig.Of(c.Set.Empathy(4, 5, 50, Options))),
        new("Set.Empathy(0,3)", c => Sig.Of(c.Set.Empathy(0, 3, 51, Options))),
        new("Set.EmpathyBatch", c =>
        {
            var r = new EmpathyResult[3];
            c.Set.EmpathyBatch([new AgentPair(4, 0, 1), new AgentPair(5, 4, 2), new AgentPair(1, 2, 3)], r, Options);
            return Sig.Of(r);
        }),
        new("Set.SocialAttention", c => Sig.Of(c.Set.SocialAttention(4, [0, 5, 2], 60, Options))),
        new("Set.EmpathyMatrix", c =>
        {
            var s = new double[36];
            c.Set.EmpathyMatrix(70, s, Options);
            return Sig.Of(s);
        }),
        new("Set.EmpathyEdges", c =>
        {
            var r = new EmpathyResult[2];
            c.Set.EmpathyEdges([new AgentEdge(5, 0), new AgentEdge(3, 4)], 80, r, Options);
            return Sig.Of(r);
        }),
        new("Set.Quick", c => Sig.Of(c.Set.Quick(4, 5))),
        new("Set.CouplingSimilarity", c => Sig.Of(c.Set.CouplingSimilarity(5, 1))),
        new("Set.ObserveAll", c =>
        {
            var r = new Observables[6];
            c.Set.ObserveAll(r);
            return Sig.Of(r);
        }),
        new("Set.Anneal", c =>
        {
            var spins = new sbyte[N];
            AnnealStats st = c.Set.Anneal(5, 90, spins, Options.Anneal);
            return Sig.Of(st) + "|" + Sig.Of(spins);
        }),
    ];

    /// <summary>Items on a second set (the one disposed while calls are in flight).</summary>
    private static List<Item> Set2Items() =>
    [
        new("Set2.Empathy(1,0)", c => Sig.Of(c.Set2!.Empathy(1, 0, 52, Options)), UsesSet2: true),
        new("Set2.ObserveAll", c =>
        {
            var r = new Observables[3];
            c.Set2!.ObserveAll(r);
            return Sig.Of(r);
        }, UsesSet2: true),
    ];

    private static IsingSystem[] FixedSystems() =>
    [
        IsingSystem.SeedPattern(N, 1), IsingSystem.SpinGlass(N, 2), Systems.Random(N, 3, 1.0, 0.3),
        IsingSystem.SeedPattern(N, 4), Systems.Random(N, 5, 0.8, 0.5), IsingSystem.SpinGlass(N, 6),
    ];

    // ---- 1. sharing: 16 threads, every result bit-identical to the serial run ----------------

    [Test]
    public void SixteenThreadsSharingOneEngineGetTheSerialResults()
    {
        using IsingEngine engine = IsingEngine.Create(backend, 2);
        IsingSystem[] s = FixedSystems();
        using AgentSet set = engine.CreateAgentSet(s);
        var ctx = new Ctx(engine, s, set);
        List<Item> items = Items();
        string[] expected = items.Select(i => i.Run(ctx)).ToArray();   // serial, on the same engine

        var failures = new ConcurrentQueue<string>();
        RunThreads(CallerThreads, t =>
        {
            for (int round = 0; round < 6; round++)
                for (int q = 0; q < items.Count; q++)
                {
                    int i = (q * 5 + t + round) % items.Count;   // every thread in its own order
                    try
                    {
                        string got = items[i].Run(ctx);
                        if (got != expected[i]) failures.Enqueue($"thread {t}: {items[i].Name} differs from the serial result");
                    }
                    catch (Exception e) { failures.Enqueue($"thread {t}: {items[i].Name} threw {e.GetType().Name}: {e.Message}"); }
                }
        });
        Assert.That(failures, Is.Empty);
    }

    // ---- 2. mutation in flight: a state the systems had, or SystemModifiedException --------

    /// <summary>System <paramref name="m"/> (4 or 5) with couplings variant <paramref name="j"/> and spins variant <paramref name="sv"/>.</summary>
    private sealed class Variants
    {
        public readonly double[][] J = new double[2][];
        public readonly sbyte[][] Spins = new sbyte[2][];

        public Variants(IsingSystem live, int seed)
        {
            var rng = new Random(seed);
            J[0] = live.Couplings.ToArray();
            J[1] = Systems.RandomCouplings(N, rng, 1.3);
            Spins[0] = live.Spins.ToArray();
            Spins[1] = Systems.RandomSpins(N, rng);
        }

        public IsingSystem Make(IsingSystem live, int j, int s) => IsingSystem.FromArrays(N, J[j], live.Fields, Spins[s]);

        /// <summary>Which variant the live system holds now (between mutations).</summary>
        public (int J, int S) Of(IsingSystem live) =>
            (live.Couplings.SequenceEqual(J[0]) ? 0 : 1, live.Spins.SequenceEqual(Spins[0]) ? 0 : 1);

        /// <summary>
        /// Step <paramref name="step"/> of a cycle through every (J, spins) combination, one setter
        /// call per step; a cycle ends (step 3) in the original state.
        /// </summary>
        public void Step(IsingSystem live, long step)
        {
            switch (step & 3)
            {
                case 0: live.SetCouplings(J[1]); break;
                case 1: live.SetSpins(Spins[1]); break;
                case 2: live.SetCouplings(J[0]); break;
                default: live.SetSpins(Spins[0]); break;
            }
        }
    }

    [Test]
    public void MutationDuringCallsGivesAStateTheSystemsHadOrSystemModifiedException()
    {
        using IsingEngine engine = IsingEngine.Create(backend, 2);
        using IsingEngine serial = IsingEngine.Create(backend, 1);
        IsingSystem[] s = FixedSystems();
        var v4 = new Variants(s[4], 104);
        var v5 = new Variants(s[5], 105);
        List<Item> items = Items();

        // Every item's serial result for every combination of the two mutated systems' states.
        var possible = new Dictionary<(int, int, int, int), string>[items.Count];
        for (int i = 0; i < items.Count; i++) possible[i] = [];
        for (int combo = 0; combo < 16; combo++)
        {
            (int j4, int s4, int j5, int s5) key = (combo & 1, (combo >> 1) & 1, (combo >> 2) & 1, (combo >> 3) & 1);
            IsingSystem[] systems = [s[0], s[1], s[2], s[3], v4.Make(s[4], key.j4, key.s4), v5.Make(s[5], key.j5, key.s5)];
            using AgentSet comboSet = serial.CreateAgentSet(systems);
            var c = new Ctx(serial, systems, comboSet);
            for (int i = 0; i < items.Count; i++) possible[i][key] = items[i].Run(c);
        }
        var allowed = possible.Select(p => p.Values.ToHashSet()).ToArray();

        using AgentSet set = engine.CreateAgentSet(s);
        var ctx = new Ctx(engine, s, set);
        var failures = new ConcurrentQueue<string>();
        long ok = 0, modified = 0, calls = 0;
        var stop = new CancellationTokenSource();
        // One cycle of mutations per call the callers finish (while the other callers' calls are in flight),
        // whatever the backend's speed; a mutator spinning freely would starve slow backends' callers.
        Thread Mutator(Variants v, IsingSystem live) => new(() =>
        {
            long step = 0, seen = 0;
            while (!stop.IsCancellationRequested)
            {
                long now = Interlocked.Read(ref calls);
                if (now == seen && !stop.IsCancellationRequested) { Thread.Yield(); continue; }
                seen = now;
                do v.Step(live, step++); while ((step & 3) != 0);   // a whole cycle per call
            }
        });
        Thread[] mutators = [Mutator(v4, s[4]), Mutator(v5, s[5])];
        foreach (Thread m in mutators) m.Start();
        try
        {
            RunThreads(CallerThreads, t =>
            {
                for (int round = 0; round < 16; round++)
                    for (int q = 0; q < items.Count; q++)
                    {
                        int i = (q * 7 + t + round) % items.Count;
                        try
                        {
                            string got = items[i].Run(ctx);
                            Interlocked.Increment(ref calls);
                            if (allowed[i].Contains(got)) Interlocked.Increment(ref ok);
                            else failures.Enqueue($"thread {t}: {items[i].Name} returned a result of no state the systems had");
                        }
                        catch (SystemModifiedException e)
                        {
                            Interlocked.Increment(ref calls);
                            Interlocked.Increment(ref modified);
                            if (!e.Message.Contains("was modified by another thread during") || e.Argument.Length == 0)
                                failures.Enqueue($"thread {t}: {items[i].Name}: unclear message '{e.Message}'");
                        }
                        catch (Exception e) { failures.Enqueue($"thread {t}: {items[i].Name} threw {e.GetType().Name}: {e.Message}"); }
                    }
            });
        }
        finally
        {
            stop.Cancel();
            foreach (Thread m in mutators) m.Join();
        }
        TestContext.Out.WriteLine($"{backend}: {ok} results of a real state, {modified} SystemModifiedException");
        Assert.That(failures, Is.Empty);

        // Nothing torn was kept (similarity and norm caches, the set's pushed copies): every call
        // now gives the serial result of the state the systems ended in (the original one).
        Assert.That((v4.Of(s[4]), v5.Of(s[5])), Is.EqualTo(((0, 0), (0, 0))));
        for (int i = 0; i < items.Count; i++)
            Assert.That(items[i].Run(ctx), Is.EqualTo(possible[i][(0, 0, 0, 0)]), $"{items[i].Name} after the mutations");
    }

    // ---- 3. Dispose in flight -------------------------------------------------------------------

    [Test]
    public void DisposeWithCallsInFlightLetsThemFinishAndLaterCallsThrowObjectDisposed()
    {
        IsingEngine engine = IsingEngine.Create(backend, 2);
        IsingSystem[] s = FixedSystems();
        AgentSet set = engine.CreateAgentSet(s);
        AgentSet set2 = engine.CreateAgentSet([s[1], s[2], s[3]]);
        var ctx = new Ctx(engine, s, set, set2);
        List<Item> items = [.. Items(), .. Set2Items()];
        string[] expected = items.Select(i => i.Run(ctx)).ToArray();

        // 0: running; 1: Dispose begun; 2: Dispose returned.
        int set2State = 0, engineState = 0;
        long completed = 0;
        var failures = new ConcurrentQueue<string>();
        var disposer = new Thread(() =>
        {
            if (!SpinWait.SpinUntil(() => Interlocked.Read(ref completed) >= 150, TimeSpan.FromMinutes(2)))
                failures.Enqueue("the callers stalled before set2 was disposed");
            Volatile.Write(ref set2State, 1);
            set2.Dispose();
            Volatile.Write(ref set2State, 2);
            if (!SpinWait.SpinUntil(() => Interlocked.Read(ref completed) >= 300, TimeSpan.FromMinutes(2)))
                failures.Enqueue("the callers stalled before the engine was disposed");
            Volatile.Write(ref engineState, 1);
            engine.Dispose();
            Volatile.Write(ref engineState, 2);
        });
        disposer.Start();
        long disposedCalls = 0;
        RunThreads(CallerThreads, t =>
        {
            for (int q = 0; ; q++)
            {
                int i = (q * 3 + t) % items.Count;
                Item item = items[i];
                int engineBefore = Volatile.Read(ref engineState), set2Before = Volatile.Read(ref set2State);
                bool mustBeDisposed = engineBefore == 2 || (item.UsesSet2 && set2Before == 2);
                try
                {
                    string got = item.Run(ctx);
                    Interlocked.Increment(ref completed);
                    if (mustBeDisposed) failures.Enqueue($"thread {t}: {item.Name} started after Dispose returned, yet completed");
                    else if (got != expected[i]) failures.Enqueue($"thread {t}: {item.Name} differs from the serial result");
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposedCalls);
                    int engineAfter = Volatile.Read(ref engineState), set2After = Volatile.Read(ref set2State);
                    if (engineAfter == 0 && !(item.UsesSet2 && set2After > 0))
                        failures.Enqueue($"thread {t}: {item.Name} threw ObjectDisposedException before any Dispose began");
                }
                catch (Exception e) { failures.Enqueue($"thread {t}: {item.Name} threw {e.GetType().Name}: {e.Message}"); }
                if (engineBefore == 2 && q % items.Count == items.Count - 1) break;   // a whole pass after the engine's Dispose
                if (!failures.IsEmpty && engineBefore == 0 && q > 10 * items.Count) break;
            }
        });
        disposer.Join();
        set.Dispose();
        Assert.That(failures, Is.Empty);
        Assert.That(disposedCalls, Is.GreaterThanOrEqualTo(CallerThreads), "every thread ends with calls refused after Dispose");
        Assert.Throws<ObjectDisposedException>(() => engine.Empathy(s[0], s[1], 1, Options));
        Assert.Throws<ObjectDisposedException>(() => set2.Quick(0, 1));
        Assert.DoesNotThrow(engine.Dispose, "Dispose is idempotent");
    }

    // ---- 4. deterministic: a mutation from inside the call is always detected ---------------

    /// <summary>A backend that runs a one-shot hook at the start of the next operation (of the engine or of one of its sets).</summary>
    private sealed class HookedBackend(IComputeBackend inner) : IComputeBackend
    {
        private Action? _hook;
        public void Arm(Action hook) => _hook = hook;
        public bool Armed => _hook is not null;
        internal void Fire() => Interlocked.Exchange(ref _hook, null)?.Invoke();

        public BackendKind Kind => inner.Kind;
        public string Name => inner.Name;
        public void Anneal(ReadOnlySpan<AnnealTask> t, in AnnealParams p, Span<AnnealStats> r) { Fire(); inner.Anneal(t, p, r); }
        public void Empathy(ReadOnlySpan<EmpathyTask> t, in AnnealParams p, in ScoreWeights w, Span<EmpathyResult> r)
        { Fire(); inner.Empathy(t, p, w, r); }
        public void Estimate(ReadOnlySpan<EmpathyTask> t, in QuickParams p, Span<QuickEstimate> r) { Fire(); inner.Estimate(t, p, r); }
        public void Observe(ReadOnlySpan<SystemView> s, Span<Observables> r) { Fire(); inner.Observe(s, r); }
        public double CouplingNormSquared(SystemView s) { Fire(); return inner.CouplingNormSquared(s); }
        public double CouplingSimilarity(SystemView a, SystemView b, double na, double nb) { Fire(); return inner.CouplingSimilarity(a, b, na, nb); }
        public unsafe TrialCounts Sample(SystemView s, double beta, int samples, int thin, int burnIn, ulong seed,
            AcceptanceRule acceptance, sbyte* start, sbyte* states, double* energies)
        { Fire(); return inner.Sample(s, beta, samples, thin, burnIn, seed, acceptance, start, states, energies); }
        public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> m, ReadOnlySpan<double> norms)
        { Fire(); return new InterceptingAgentSet(inner.CreateSet(m, norms), Fire, beforeInfo: false); }
        public void Dispose() => inner.Dispose();
    }

    private IComputeBackend RealBackend() => backend switch
    {
        BackendKind.Managed => new ManagedBackend(2),
        BackendKind.NativeCpu => NativeBackend.CreateCpu(2),
        _ => NativeBackend.CreateGpu(),
    };

    /// <summary>An engine call on (a, b) that reads b, the argument the exception must name, and the operation.</summary>
    public static IEnumerable<TestCaseData> EngineCalls()
    {
        static TestCaseData Case(string op, string argument) => new TestCaseData(op, argument).SetArgDisplayNames(op);
        yield return Case("Anneal", "system");
        yield return Case("Empathy", "other");
        yield return Case("EmpathyBatch", "pairs[0].Other");
        yield return Case("SocialAttention", "others[1]");
        yield return Case("EmpathyMatrix", "agents[1]");
        yield return Case("CreateAgentSet", "members[1]");
        yield return Case("Quick", "other");
        yield return Case("CouplingSimilarity", "b");
        yield return Case("Observe", "system");
        yield return Case("ObserveBatch", "systems[1]");
        yield return Case("Sample", "system");
    }

    private static string RunEngineCall(string op, IsingEngine e, IsingSystem a, IsingSystem b)
    {
        switch (op)
        {
            case "Anneal":
                var spins = new sbyte[b.Size];
                return Sig.Of(e.Anneal(b, 5, spins, Options.Anneal)) + "|" + Sig.Of(spins);
            case "Empathy": return Sig.Of(e.Empathy(a, b, 6, Options));
            case "EmpathyBatch":
                var r = new EmpathyResult[2];
                e.EmpathyBatch([new(a, b, 7), new(b, a, 8)], r, Options);
                return Sig.Of(r);
            case "SocialAttention": return Sig.Of(e.SocialAttention(a, [a, b], 9, Options));
            case "EmpathyMatrix":
                var m = new double[4];
                e.EmpathyMatrix([a, b], 10, m, Options);
                return Sig.Of(m);
            case "CreateAgentSet":
                using (AgentSet set = e.CreateAgentSet([a, b])) return Sig.Of(set.Empathy(0, 1, 6, Options));
            case "Quick": return Sig.Of(e.Quick(a, b));
            case "CouplingSimilarity": return Sig.Of(e.CouplingSimilarity(a, b));
            case "Observe": return Sig.Of(e.Observe(b));
            case "ObserveBatch":
                var o = new Observables[2];
                e.ObserveBatch([a, b], o);
                return Sig.Of(o);
            case "Sample": return Sig.Of(e.Sample(b, 0.5, 2, 1, 1, 11));
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    [TestCaseSource(nameof(EngineCalls))]
    public void MutationInsideAnEngineCallThrowsNamingTheArgument(string op, string argument)
    {
        var hooked = new HookedBackend(RealBackend());
        using IsingEngine engine = IsingEngine.CreateWith(hooked, 2);
        using IsingEngine reference = IsingEngine.Create(backend, 2);
        IsingSystem a = IsingSystem.SeedPattern(12, 1), b = IsingSystem.SpinGlass(12, 2);
        long version = b.Version;

        // The hook runs at the call's first backend operation: after the call took b's version,
        // before (or while) it reads b.
        hooked.Arm(() => b.SetCouplings(IsingSystem.SeedPattern(12, 3).Couplings));
        var e = Assert.Throws<SystemModifiedException>(() => RunEngineCall(op, engine, a, b))!;
        Assert.That(hooked.Armed, Is.False, "the hook ran inside the call");
        Assert.That(e.Argument, Is.EqualTo(argument));
        Assert.That(e.Operation, Is.EqualTo(op));
        Assert.That(e.Message, Is.EqualTo($"{argument} was modified by another thread during {op}; the result was discarded."));
        Assert.That(b.Version, Is.EqualTo(version + 1), "the mutation itself went through");

        // Nothing computed from the torn read was kept: the same call now gives the result of the new state.
        Assert.That(RunEngineCall(op, engine, a, b), Is.EqualTo(RunEngineCall(op, reference, a, b)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MutationWhileAMemberIsPushedThrowsAndTheMemberIsPushedAgain(bool structure)
    {
        var hooked = new HookedBackend(RealBackend());
        using IsingEngine engine = IsingEngine.CreateWith(hooked, 2);
        using IsingEngine reference = IsingEngine.Create(backend, 2);
        IsingSystem a = IsingSystem.SeedPattern(12, 1), b = IsingSystem.SpinGlass(12, 2);
        using AgentSet set = engine.CreateAgentSet([a, b]);
        Assert.That(Sig.Of(set.Empathy(0, 1, 3, Options)), Is.EqualTo(Sig.Of(reference.Empathy(a, b, 3, Options))));

        // b changes, so the next call pushes it; the hook mutates b again while it is copied.
        var rng = new Random(4);
        if (structure) b.SetCouplings(Systems.RandomCouplings(12, rng));
        else b.SetSpins(Systems.RandomSpins(12, rng));
        long pushes = set.MemberPushes + set.SpinPushes;
        hooked.Arm(() => b.SetSpins(Systems.Negated(b.Spins)));
        var e = Assert.Throws<SystemModifiedException>(() => set.Empathy(0, 1, 3, Options))!;
        Assert.That(hooked.Armed, Is.False, "the hook ran inside the push");
        Assert.That(e.Argument, Is.EqualTo("member 1"));
        Assert.That(e.Operation, Is.EqualTo("AgentSet.Empathy"));

        // The half-pushed copy was not recorded as current: the next call pushes b again.
        Assert.That(Sig.Of(set.Empathy(0, 1, 3, Options)), Is.EqualTo(Sig.Of(reference.Empathy(a, b, 3, Options))));
        Assert.That(set.MemberPushes + set.SpinPushes, Is.EqualTo(pushes + 2), "pushed once per call");
        Assert.That(set.MemberPushes, Is.EqualTo(structure ? 2 : 0), "a J change is pushed in full both times");
    }

    [Test]
    public void MutationFromAProgressCallbackOfASetCallGivesThePreviousStateOrThrows()
    {
        using IsingEngine engine = IsingEngine.Create(backend, 2);
        using IsingEngine reference = IsingEngine.Create(backend, 2);
        IsingSystem[] s = [IsingSystem.SeedPattern(N, 1), IsingSystem.SpinGlass(N, 2), Systems.Random(N, 3, 1.0, 0.3)];
        using AgentSet set = engine.CreateAgentSet(s);
        AgentPair[] pairs = [new(0, 1, 1), new(1, 2, 2), new(2, 1, 3)];
        string Serial() => Sig.Of(pairs.Select(p => reference.Empathy(s[p.Self], s[p.Other], p.Seed, Options)).ToArray());

        string before = Serial();
        var results = new EmpathyResult[pairs.Length];
        bool mutated = false;
        var progress = new SyncProgress(_ =>
        {
            if (mutated) return;
            mutated = true;
            s[1].SetSpins(Systems.Negated(s[1].Spins));
        });
        if (set.BackendSet.ReadsMembers)
        {
            // The managed set reads the members' own arrays: what it read may be torn.
            var e = Assert.Throws<SystemModifiedException>(() => set.EmpathyBatch(pairs, results, Options, default, progress))!;
            Assert.That(e.Argument, Is.EqualTo("member 1"));
            Assert.That(e.Operation, Is.EqualTo("AgentSet.EmpathyBatch"));
        }
        else
        {
            // A native set computes on the copies pushed before the call: the previous state, whole.
            set.EmpathyBatch(pairs, results, Options, default, progress);
            Assert.That(Sig.Of(results), Is.EqualTo(before));
        }
        Assert.That(mutated, Is.True, "the progress callback ran");
        set.EmpathyBatch(pairs, results, Options);
        Assert.That(Sig.Of(results), Is.EqualTo(Serial()), "the next call pushes and reads the new state");
    }

    [Test]
    public void MutationFromAProgressCallbackOfAnEngineMatrixThrows()
    {
        using IsingEngine engine = IsingEngine.Create(backend, 2);
        IsingSystem[] agents = [IsingSystem.SeedPattern(N, 1), IsingSystem.SpinGlass(N, 2), Systems.Random(N, 3, 1.0, 0.3)];
        var scores = new double[9];
        var progress = new SyncProgress(_ => agents[1].SetFields(Systems.RandomFields(N, new Random(5), 1.0)));
        var e = Assert.Throws<SystemModifiedException>(() => engine.EmpathyMatrix(agents, 1, scores, Options, default, progress))!;
        Assert.That(e.Argument, Is.EqualTo("agents[1]"));
        Assert.That(e.Operation, Is.EqualTo("EmpathyMatrix"));
    }

    [Test]
    public void OppositeCompassionateResponsesOnTwoThreadsDoNotDeadlockAndEachIsOneMutation()
    {
        using IsingEngine engine = IsingEngine.Create(backend, 2);
        IsingSystem a = IsingSystem.SeedPattern(N, 1), b = IsingSystem.SpinGlass(N, 2);
        long va = a.Version, vb = b.Version;
        const int Rounds = 300;
        RunThreads(2, t =>
        {
            for (int r = 0; r < Rounds; r++)
                if (t == 0) engine.CompassionateResponse(a, b, 0.9, (ulong)r);   // blends a towards b: locks both
                else engine.CompassionateResponse(b, a, r % 2 == 0 ? 0.9 : 0.2, (ulong)r);
        });
        Assert.That(a.Version - va, Is.EqualTo(Rounds));
        Assert.That(b.Version - vb, Is.EqualTo(Rounds));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> on <paramref name="count"/> threads started together; rethrows nothing (bodies record failures).</summary>
    private static void RunThreads(int count, Action<int> body)
    {
        using var start = new ManualResetEventSlim(false);
        var errors = new ConcurrentQueue<Exception>();
        var threads = new Thread[count];
        for (int t = 0; t < count; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                start.Wait();
                try { body(id); }
                catch (Exception e) { errors.Enqueue(e); }
            });
            threads[t].Start();
        }
        start.Set();
        foreach (Thread th in threads) th.Join();
        Assert.That(errors, Is.Empty, "a thread's body threw");
    }

    /// <summary>Results as the hex of every field's bits: equal signatures are equal bits.</summary>
    private static class Sig
    {
        public static string Of(double d) => BitConverter.DoubleToInt64Bits(d).ToString("X16");
        public static string Of(ReadOnlySpan<double> ds)
        {
            var parts = new string[ds.Length];
            for (int i = 0; i < ds.Length; i++) parts[i] = Of(ds[i]);
            return string.Join(",", parts);
        }
        public static string Of(ReadOnlySpan<sbyte> s) => Convert.ToHexString(MemoryMarshal.AsBytes(s));
        public static string Of(EmotionVector e) => $"{Of(e.Valence)},{Of(e.Arousal)},{Of(e.Tension)},{Of(e.Coherence)}";
        public static string Of(EmpathyResult r) =>
            $"{Of(r.Score)},{Of(r.StateOverlap)},{Of(r.EnergyError)},{Of(r.MagnetizationError)},{Of(r.CouplingSimilarity)}," +
            $"{Of(r.PredictedEnergy)},{Of(r.ActualEnergy)},{r.Steps},{r.Trials},{r.Accepted}";
        public static string Of(EmpathyResult[] rs) => string.Join(";", rs.Select(Of));
        public static string Of(Observables o) => $"{Of(o.Energy)},{Of(o.Magnetization)},{Of(o.Frustration)},{Of(o.Emotion)}";
        public static string Of(Observables[] os) => string.Join(";", os.Select(Of));
        public static string Of(QuickEstimate q) => $"{Of(q.Score)},{Of(q.CouplingSimilarity)},{Of(q.EnergyDifference)}";
        public static string Of(AnnealStats s) => $"{s.Steps},{s.Trials},{s.Accepted},{Of(s.Energy)}";
        public static string Of(SocialAttentionResult r) =>
            $"{Of(r.Weights)}|{Of(r.Scores)}|{Of(r.CollectiveEmotion)}|{r.MostEmpathicIndex}|{Of(r.Results)}";
        public static string Of(SampleResult r) =>
            $"{string.Join(",", r.States.Select(x => Of(x)))}|{Of(r.Energies)}|{Of(r.Acceptance)}|{r.Trials}|{r.Accepted}";
    }
}
