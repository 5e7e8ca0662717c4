using System.Buffers;
using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>
/// The pure-managed backend: the Core primitives (the reference implementation of
/// docs/ALGORITHM.md), batches spread over the engine's threads with Parallel.For and
/// per-worker scratch from a pool. Single-item calls run inline on the caller's thread
/// and allocate nothing in steady state.
/// </summary>
internal sealed unsafe class ManagedBackend : IComputeBackend
{
    /// <summary>Longest schedule kept in the cache (longer ones are computed step by step).</summary>
    private const int MaxCachedSchedule = 1 << 20;

    /// <summary>Below this much work (≈ trials or n² terms) a batch runs on the calling thread.</summary>
    private const long InlineWork = 1 << 15;

    private readonly ParallelOptions _parallel;
    private readonly ScratchPool _pool = new();
    private volatile ScheduleCache? _schedule;

    /// <summary>Creates the backend for <paramref name="threads"/> worker threads (≥ 1).</summary>
    public ManagedBackend(int threads)
    {
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Threads = threads;
    }

    /// <summary>The most worker threads a batch uses.</summary>
    public int Threads { get; }

    public BackendKind Kind => BackendKind.Managed;

    public string Name => "managed";

    public void Anneal(ReadOnlySpan<AnnealTask> tasks, in AnnealParams parameters, Span<AnnealStats> results)
    {
        if (tasks.Length == 1 || Threads == 1 || tasks.Length * Cost(parameters, tasks[0].System.N) < InlineWork)
        {
            Scratch scratch = _pool.Rent();
            try
            {
                for (int i = 0; i < tasks.Length; i++) results[i] = AnnealOne(tasks[i], parameters, scratch);
            }
            finally { _pool.Return(scratch); }
            return;
        }
        fixed (AnnealTask* t = tasks)
        fixed (AnnealStats* r = results)
            AnnealParallel(new BatchJob<AnnealTask, AnnealStats>(t, r, parameters, default), tasks.Length);
    }

    // The parallel paths live in their own methods: a lambda's closure is allocated on
    // entry to the method that declares the captured variables, and the single-item
    // path must not pay for it.
    private void AnnealParallel(BatchJob<AnnealTask, AnnealStats> job, int count)
        => Parallel.For(0, count, _parallel, _pool.Rent,
            (i, _, scratch) => { job.Results[i] = AnnealOne(job.Tasks[i], job.Parameters, scratch); return scratch; },
            _pool.Return);

    private void EmpathyParallel(BatchJob<EmpathyTask, EmpathyResult> job, int count)
        => Parallel.For(0, count, _parallel, _pool.Rent,
            (i, _, scratch) => { job.Results[i] = EmpathyOne(job.Tasks[i], job.Parameters, job.Weights, scratch); return scratch; },
            _pool.Return);

    // Contiguous ranges rather than single systems: a range runs the two-pass ObserveMany,
    // and small systems do not pay a delegate call each. A few ranges per thread balance
    // batches of mixed sizes.
    private void ObserveParallel(BatchJob<SystemView, Observables> job, int count)
    {
        int ranges = Math.Min(count, Threads * 4);
        Parallel.For(0, ranges, _parallel, r =>
        {
            int start = (int)((long)count * r / ranges), end = (int)((long)count * (r + 1) / ranges);
            ObservablesCore.ObserveMany(new ReadOnlySpan<SystemView>(job.Tasks + start, end - start),
                new Span<Observables>(job.Results + start, end - start));
        });
    }

    public void Empathy(ReadOnlySpan<EmpathyTask> tasks, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results)
    {
        if (tasks.Length == 1 || Threads == 1 || tasks.Length * Cost(parameters, tasks[0].Other.N) < InlineWork)
        {
            Scratch scratch = _pool.Rent();
            try
            {
                for (int i = 0; i < tasks.Length; i++) results[i] = EmpathyOne(tasks[i], parameters, weights, scratch);
            }
            finally { _pool.Return(scratch); }
            return;
        }
        fixed (EmpathyTask* t = tasks)
        fixed (EmpathyResult* r = results)
            EmpathyParallel(new BatchJob<EmpathyTask, EmpathyResult>(t, r, parameters, weights), tasks.Length);
    }

    public void Estimate(ReadOnlySpan<EmpathyTask> tasks, in QuickParams parameters, Span<QuickEstimate> results)
    {
        if (tasks.IsEmpty) return;
        long n = tasks[0].Other.N;
        bool inline = tasks.Length == 1 || Threads == 1 || tasks.Length * n * n < InlineWork;
        if (parameters.Method == QuickMethod.Seed)
        {
            if (inline)
            {
                for (int i = 0; i < tasks.Length; i++) results[i] = SeedOne(tasks[i], parameters.Scale);
                return;
            }
            fixed (EmpathyTask* t = tasks)
            fixed (QuickEstimate* r = results)
                SeedParallel(t, r, parameters.Scale, tasks.Length);
            return;
        }
        // The quench and its parts depend on the other alone: once per distinct other (a
        // swarm's K^2 pairs quench K times), then each pair's similarity. Distinct by view,
        // found by sorting (no map to keep), results written only after every quench.
        int count = tasks.Length;
        OtherKey[] keys = ArrayPool<OtherKey>.Shared.Rent(count);
        int[] slot = ArrayPool<int>.Shared.Rent(count);
        int[] firstTask = ArrayPool<int>.Shared.Rent(count);
        EmpathyParts[] parts = ArrayPool<EmpathyParts>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++) keys[i] = new OtherKey(tasks[i].Other, i);
            Array.Sort(keys, 0, count);
            int distinct = 0;
            for (int i = 0; i < count; i++)
            {
                if (i == 0 || !keys[i].SameView(keys[i - 1])) firstTask[distinct++] = keys[i].Task;
                slot[keys[i].Task] = distinct - 1;
            }
            fixed (EmpathyTask* t = tasks)
            fixed (QuickEstimate* r = results)
            fixed (int* f = firstTask)
            fixed (int* sl = slot)
            fixed (EmpathyParts* pa = parts)
            {
                if (inline)
                {
                    for (int d = 0; d < distinct; d++) pa[d] = PartsOf(t[f[d]]);
                    for (int i = 0; i < count; i++) r[i] = Quench.Of(pa[sl[i]], TaskSimilarity(t[i]), parameters.Weights);
                }
                else QuenchParallel(t, r, f, sl, pa, distinct, count, parameters.Weights);
            }
        }
        finally
        {
            ArrayPool<OtherKey>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(slot);
            ArrayPool<int>.Shared.Return(firstTask);
            ArrayPool<EmpathyParts>.Shared.Return(parts);
        }
    }

    /// <summary>A task's other as a sort key (its view's pointers and n), with the task's index.</summary>
    private readonly struct OtherKey(SystemView v, int task) : IComparable<OtherKey>
    {
        private readonly nint _j = (nint)v.J, _h = (nint)v.H, _s = (nint)v.S;
        private readonly int _n = v.N;
        public readonly int Task = task;

        public bool SameView(in OtherKey o) => _j == o._j && _h == o._h && _s == o._s && _n == o._n;

        public int CompareTo(OtherKey o)
        {
            int c = _j.CompareTo(o._j);
            if (c == 0) c = _h.CompareTo(o._h);
            if (c == 0) c = _s.CompareTo(o._s);
            if (c == 0) c = _n.CompareTo(o._n);
            return c;
        }
    }

    private void SeedParallel(EmpathyTask* t, QuickEstimate* r, double scale, int count)
        => Parallel.For(0, count, _parallel, i => r[i] = SeedOne(t[i], scale));

    // Separate, as AnnealParallel: the closures are allocated on entry to the method that captures.
    private void QuenchParallel(EmpathyTask* t, QuickEstimate* r, int* first, int* slot, EmpathyParts* parts, int distinct,
        int count, ScoreWeights w)
    {
        Parallel.For(0, distinct, _parallel, d => parts[d] = PartsOf(t[first[d]]));
        Parallel.For(0, count, _parallel, i => r[i] = Quench.Of(parts[slot[i]], TaskSimilarity(t[i]), w));
    }

    /// <summary>The quench parts of a task's other (§7.1), with its actual energy given or computed.</summary>
    private static EmpathyParts PartsOf(in EmpathyTask task)
    {
        SystemView other = task.Other;
        double eo = double.IsNaN(task.OtherEnergy) ? ObservablesCore.Energy(other.N, other.J, other.H, other.S) : task.OtherEnergy;
        return Quench.Parts(other, eo);
    }

    /// <summary>One §7 roadmap estimate.</summary>
    private QuickEstimate SeedOne(in EmpathyTask task, double scale)
    {
        SystemView self = task.Self, other = task.Other;
        double eo = double.IsNaN(task.OtherEnergy) ? ObservablesCore.Energy(other.N, other.J, other.H, other.S) : task.OtherEnergy;
        return Scoring.Quick(ObservablesCore.Energy(self.N, self.J, self.H, self.S), eo, TaskSimilarity(task), scale);
    }

    /// <summary>The task's §6 similarity: given, or from its norms (given or computed).</summary>
    private double TaskSimilarity(in EmpathyTask task)
    {
        if (!double.IsNaN(task.Similarity)) return task.Similarity;
        double na = double.IsNaN(task.SelfNorm) ? CouplingNormSquared(task.Self) : task.SelfNorm;
        double nb = double.IsNaN(task.OtherNorm) ? CouplingNormSquared(task.Other) : task.OtherNorm;
        return CouplingSimilarity(task.Self, task.Other, na, nb);
    }


    public void Observe(ReadOnlySpan<SystemView> systems, Span<Observables> results)
    {
        long work = 0;
        for (int i = 0; i < systems.Length; i++) work += (long)systems[i].N * systems[i].N;
        if (systems.Length == 1 || Threads == 1 || work < 4 * InlineWork)
        {
            ObservablesCore.ObserveMany(systems, results);
            return;
        }
        fixed (SystemView* s = systems)
        fixed (Observables* r = results)
            ObserveParallel(new BatchJob<SystemView, Observables>(s, r, default, default), systems.Length);
    }

    public double CouplingNormSquared(SystemView system) => Scoring.UpperNormSquared(system.N, system.J);

    public double CouplingSimilarity(SystemView a, SystemView b, double normA, double normB)
        => Scoring.SimilarityFrom(Scoring.UpperDot(a.N, a.J, b.J), normA, normB);

    public TrialCounts Sample(SystemView system, double beta, int samples, int thin, int burnIn, ulong seed,
        AcceptanceRule acceptance, sbyte* start, sbyte* states, double* energies)
    {
        int n = system.N;
        Scratch scratch = _pool.Rent();
        try
        {
            scratch.EnsureDouble(n);
            sbyte* s = scratch.Spins;
            if (start != null) new ReadOnlySpan<sbyte>(start, n).CopyTo(new Span<sbyte>(s, n));
            else RandomStreams.FillInitSpins(seed, n, s);
            return Sampling.Run(system, beta, samples, thin, burnIn, seed, acceptance, s, scratch.Phi, states, energies);
        }
        finally { _pool.Return(scratch); }
    }

    public IBackendAgentSet CreateSet(ReadOnlySpan<SystemView> members, ReadOnlySpan<double> norms)
        => new ManagedAgentSet(this, members, norms);

    public void Dispose() => _pool.Clear();

    /// <summary>§4 for one task, writing the final spins to <c>task.SpinsOut</c>.</summary>
    private AnnealStats AnnealOne(in AnnealTask task, in AnnealParams p, Scratch scratch)
    {
        SystemView sys = task.System;
        TrialCounts counts = AnnealRaw(sys, task.Seed, p, task.SpinsOut, scratch, out int steps);
        double energy = ObservablesCore.Energy(sys.N, sys.J, sys.H, task.SpinsOut);
        return new AnnealStats(steps, counts.Trials, counts.Accepted, energy);
    }

    /// <summary>§5 for one task: anneal the other's J, h into scratch spins, then score.</summary>
    private EmpathyResult EmpathyOne(in EmpathyTask task, in AnnealParams p, in ScoreWeights w, Scratch scratch)
    {
        SystemView other = task.Other;
        scratch.EnsureDouble(other.N);
        sbyte* predicted = scratch.Spins;
        TrialCounts counts = AnnealRaw(other, task.Seed, p, predicted, scratch, out int steps);
        double c = task.Similarity;
        if (double.IsNaN(c))
        {
            double na = double.IsNaN(task.SelfNorm) ? CouplingNormSquared(task.Self) : task.SelfNorm;
            double nb = double.IsNaN(task.OtherNorm) ? CouplingNormSquared(other) : task.OtherNorm;
            c = CouplingSimilarity(task.Self, other, na, nb);
        }
        double actual = double.IsNaN(task.OtherEnergy) ? scratch.ActualEnergy(other) : task.OtherEnergy;
        return Scoring.Empathy(other, actual, predicted, c, w, steps, counts);
    }

    /// <summary>Runs the anneal in the requested precision with the cached schedule.</summary>
    private TrialCounts AnnealRaw(SystemView sys, ulong seed, in AnnealParams p, sbyte* spinsOut, Scratch scratch,
        out int steps)
    {
        int n = sys.N;
        steps = p.StepsFor(n);
        double[]? betas = GetSchedule(steps, p.BetaStart, p.BetaEnd);
        fixed (double* b = betas)
        {
            if (p.Precision == (int)Precision.Single)
            {
                scratch.EnsureSingle(n);
                return AnnealCore.RunSingle(sys, seed, p, steps, b, spinsOut, scratch.JFloat, scratch.HFloat, scratch.PhiFloat);
            }
            scratch.EnsureDouble(n);
            return AnnealCore.Run(sys, seed, p, steps, b, spinsOut, scratch.Phi);
        }
    }

    /// <summary>
    /// The §4.3 schedule for (T, β0, β1), computed once and reused: the det_exp per step
    /// would otherwise cost as much as a few trials. Null for very long schedules.
    /// </summary>
    private double[]? GetSchedule(int steps, double beta0, double beta1)
    {
        ScheduleCache? cached = _schedule;
        if (cached is not null && cached.Steps == steps && cached.Beta0 == beta0 && cached.Beta1 == beta1)
            return cached.Betas;
        if (steps > MaxCachedSchedule) return null;
        var betas = GC.AllocateArray<double>(steps, pinned: true);
        Core.Schedule.Fill(beta0, beta1, betas);
        _schedule = new ScheduleCache(steps, beta0, beta1, betas);
        return betas;
    }

    /// <summary>Rough trial count of one anneal, to decide whether a batch is worth spreading.</summary>
    private static long Cost(in AnnealParams p, int n) => (long)p.StepsFor(n) * p.TrialsPerStep + (long)n * n;

    private sealed record ScheduleCache(int Steps, double Beta0, double Beta1, double[] Betas);

    /// <summary>Pointers and parameters of one parallel batch (spans cannot be captured by lambdas).</summary>
    private sealed class BatchJob<TTask, TResult>(TTask* tasks, TResult* results, AnnealParams parameters, ScoreWeights weights)
        where TTask : unmanaged where TResult : unmanaged
    {
        public readonly TTask* Tasks = tasks;
        public readonly TResult* Results = results;
        public readonly AnnealParams Parameters = parameters;
        public readonly ScoreWeights Weights = weights;
    }
}
