using IsingNative.Core;

namespace IsingNative.Backends;

/// <summary>
/// The agent set of a <see cref="FallbackBackend"/>: calls go to the primary's (GPU) set
/// until one reports a device fault; then the set is rebuilt on the CPU backend from the
/// members (views the set keeps, onto the members' pinned arrays) and the request is
/// replayed there — the same bits, since every backend computes docs/ALGORITHM.md exactly.
/// </summary>
internal sealed class FallbackAgentSet : IBackendAgentSet
{
    private readonly FallbackBackend _owner;
    private readonly SystemView[] _views;
    private IBackendAgentSet _current;
    private bool _onFallback;

    public FallbackAgentSet(FallbackBackend owner, IBackendAgentSet set, ReadOnlySpan<SystemView> members, bool onFallback)
    {
        _owner = owner;
        _current = set;
        _views = members.ToArray();
        _onFallback = onFallback;
    }

    public int Count => _views.Length;

    /// <summary>The set now in use (tests check the switch).</summary>
    internal IBackendAgentSet Current => _current;

    /// <summary>Runs <paramref name="call"/>; on a device fault, moves to the CPU and runs it again.</summary>
    private void Run<TState>(ref TState state, Call<TState> call) where TState : allows ref struct
    {
        try { call(_current, ref state); }
        catch (Exception e) when (!_onFallback && FallbackBackend.IsDeviceFault(e))
        {
            IComputeBackend cpu = _owner.SwitchOverFrom(e);
            IBackendAgentSet old = _current;
            _current = cpu.CreateSet(_views, default);
            _onFallback = true;
            try { old.Dispose(); } catch (Exception) { /* the device is gone; its set with it */ }
            call(_current, ref state);
        }
    }

    private delegate void Call<TState>(IBackendAgentSet set, ref TState state) where TState : allows ref struct;

    public AgentSetInfo Info()
    {
        AgentSetInfo info = default;
        Run(ref info, static (IBackendAgentSet s, ref AgentSetInfo i) => i = s.Info());
        return info;
    }

    public void Update(int index, SystemView system, double norm)
    {
        var st = new UpdateState(index, system, norm);
        Run(ref st, static (IBackendAgentSet s, ref UpdateState u) => s.Update(u.Index, u.System, u.Norm));
        _views[index] = system;
    }

    public void UpdateSpins(int index, SystemView system)
    {
        var st = new UpdateState(index, system, double.NaN);
        Run(ref st, static (IBackendAgentSet s, ref UpdateState u) => s.UpdateSpins(u.Index, u.System));
        _views[index] = system;
    }

    private readonly record struct UpdateState(int Index, SystemView System, double Norm);

    private ref struct AnnealState(ReadOnlySpan<int> members, ReadOnlySpan<ulong> seeds, AnnealParams p, Span<sbyte> spins,
        Span<AnnealStats> stats, RunControl control)
    {
        public ReadOnlySpan<int> Members = members;
        public ReadOnlySpan<ulong> Seeds = seeds;
        public AnnealParams P = p;
        public Span<sbyte> Spins = spins;
        public Span<AnnealStats> Stats = stats;
        public RunControl Control = control;
    }

    public void Anneal(ReadOnlySpan<int> members, ReadOnlySpan<ulong> seeds, in AnnealParams parameters,
        Span<sbyte> spinsOut, Span<AnnealStats> stats, in RunControl control)
    {
        var st = new AnnealState(members, seeds, parameters, spinsOut, stats, control);
        Run(ref st, static (IBackendAgentSet s, ref AnnealState a) => s.Anneal(a.Members, a.Seeds, a.P, a.Spins, a.Stats, a.Control));
    }

    private ref struct ObserveState(ReadOnlySpan<int> members, Span<Observables> results, bool all)
    {
        public ReadOnlySpan<int> Members = members;
        public Span<Observables> Results = results;
        public bool All = all;
    }

    public void Observe(ReadOnlySpan<int> members, Span<Observables> results)
    {
        var st = new ObserveState(members, results, false);
        Run(ref st, static (IBackendAgentSet s, ref ObserveState o) => s.Observe(o.Members, o.Results));
    }

    public void ObserveAll(Span<Observables> results)
    {
        var st = new ObserveState(default, results, true);
        Run(ref st, static (IBackendAgentSet s, ref ObserveState o) => s.ObserveAll(o.Results));
    }

    private ref struct EmpathyState(ReadOnlySpan<AgentPair> pairs, ReadOnlySpan<AgentEdge> edges, ulong seedBase,
        AnnealParams p, ScoreWeights w, Span<double> scores, Span<EmpathyResult> results, RunControl control)
    {
        public ReadOnlySpan<AgentPair> Pairs = pairs;
        public ReadOnlySpan<AgentEdge> Edges = edges;
        public ulong SeedBase = seedBase;
        public AnnealParams P = p;
        public ScoreWeights W = w;
        public Span<double> Scores = scores;
        public Span<EmpathyResult> Results = results;
        public RunControl Control = control;
    }

    public void Empathy(ReadOnlySpan<AgentPair> pairs, in AnnealParams parameters, in ScoreWeights weights,
        Span<EmpathyResult> results, in RunControl control)
    {
        var st = new EmpathyState(pairs, default, 0, parameters, weights, default, results, control);
        Run(ref st, static (IBackendAgentSet s, ref EmpathyState e) => s.Empathy(e.Pairs, e.P, e.W, e.Results, e.Control));
    }

    public void EmpathyMatrix(ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        var st = new EmpathyState(default, default, seedBase, parameters, weights, scores, results, control);
        Run(ref st, static (IBackendAgentSet s, ref EmpathyState e) => s.EmpathyMatrix(e.SeedBase, e.P, e.W, e.Scores, e.Results, e.Control));
    }

    public void EmpathyEdges(ReadOnlySpan<AgentEdge> edges, ulong seedBase, in AnnealParams parameters, in ScoreWeights weights,
        Span<double> scores, Span<EmpathyResult> results, in RunControl control)
    {
        var st = new EmpathyState(default, edges, seedBase, parameters, weights, scores, results, control);
        Run(ref st, static (IBackendAgentSet s, ref EmpathyState e) => s.EmpathyEdges(e.Edges, e.SeedBase, e.P, e.W, e.Scores, e.Results, e.Control));
    }

    private ref struct SocialState(int self, ReadOnlySpan<int> others, ulong seedBase, AnnealParams p, ScoreWeights w,
        Span<double> weights, Span<EmpathyResult> results, RunControl control)
    {
        public RunControl Control = control;
        public int Self = self;
        public ReadOnlySpan<int> Others = others;
        public ulong SeedBase = seedBase;
        public AnnealParams P = p;
        public ScoreWeights W = w;
        public Span<double> Weights = weights;
        public Span<EmpathyResult> Results = results;
        public EmotionVector Collective;
        public int Best;
    }

    public int SocialAttention(int self, ReadOnlySpan<int> others, ulong seedBase, in AnnealParams parameters,
        in ScoreWeights weights, Span<double> weightsOut, Span<EmpathyResult> results, out EmotionVector collective,
        in RunControl control)
    {
        var st = new SocialState(self, others, seedBase, parameters, weights, weightsOut, results, control);
        Run(ref st, static (IBackendAgentSet s, ref SocialState a) =>
            a.Best = s.SocialAttention(a.Self, a.Others, a.SeedBase, a.P, a.W, a.Weights, a.Results, out a.Collective, a.Control));
        collective = st.Collective;
        return st.Best;
    }

    private ref struct PairState(ReadOnlySpan<AgentPair> pairs, QuickParams parameters, Span<QuickEstimate> quick, Span<double> similarity)
    {
        public ReadOnlySpan<AgentPair> Pairs = pairs;
        public QuickParams Parameters = parameters;
        public Span<QuickEstimate> Quick = quick;
        public Span<double> Similarity = similarity;
    }

    public void Quick(ReadOnlySpan<AgentPair> pairs, in QuickParams parameters, Span<QuickEstimate> results)
    {
        var st = new PairState(pairs, parameters, results, default);
        Run(ref st, static (IBackendAgentSet s, ref PairState q) => s.Quick(q.Pairs, q.Parameters, q.Quick));
    }

    public void CouplingSimilarity(ReadOnlySpan<AgentPair> pairs, Span<double> results)
    {
        var st = new PairState(pairs, default, default, results);
        Run(ref st, static (IBackendAgentSet s, ref PairState q) => s.CouplingSimilarity(q.Pairs, q.Similarity));
    }

    public void Dispose() => _current.Dispose();
}
