// The README's snippet ("Using it from .NET") verbatim between the markers (ReadmeSnippetTests
// compares them), then what the packaging check looks for: which backends this app found.
// #region readme
using IsingNative;

using var engine = IsingEngine.Create();             // Auto: GPU if present, else the fastest CPU path
var self  = IsingSystem.SeedPattern(n: 20, seed: 42);
var other = IsingSystem.SeedPattern(n: 20, seed: 99);

EmpathyResult r = engine.Empathy(self, other, seed: 7);
Console.WriteLine($"{r.Score:F3} overlap={r.StateOverlap:F3} coupling={r.CouplingSimilarity:F3}");

IsingSystem[] others = [IsingSystem.SeedPattern(20, 100), IsingSystem.SeedPattern(20, 101), IsingSystem.SpinGlass(20, 102)];
var options = EmpathyOptions.Default with { Anneal = AnnealOptions.Default with { AdaptiveSteps = true } };
SocialAttentionResult social = engine.SocialAttention(self, others, seedBase: 1000, options);

// Create once, run many: a swarm lives in the engine (copied once; on a GPU, uploaded once).
// Members are named by index; a mutated member is noticed and pushed again, alone.
using AgentSet swarm = engine.CreateAgentSet([self, other, .. others]);
EmpathyResult e01 = swarm.Empathy(0, 1, seed: 7);                 // == engine.Empathy(self, other, 7)
var scores = new double[swarm.Count * swarm.Count];
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
swarm.EmpathyMatrix(seedBase: 1000, scores, options, cts.Token,     // one call, tiled inside; cancellable
    new SynchronousProgress<BatchProgress>(p => Console.Error.Write($"\r{p.Done}/{p.Total}")));   // below
var neighbours = new AgentEdge[] { new(0, 2), new(2, 3) };        // sparse: each edge = its matrix entry
var sparse = new double[neighbours.Length];
swarm.EmpathyEdges(neighbours, seedBase: 1000, sparse, options);

// Opt-in: neal's site order (site g mod n) with random numbers drawn only where a decision
// needs one: a different, equally valid chain (docs/ALGORITHM.md §4.1), fastest at large n.
var sequential = AnnealOptions.Default with { SweepOrder = SweepOrder.Sequential };
// #endregion readme

foreach (BackendInfo b in IsingEngine.DescribeBackends())
    Console.WriteLine($"backend {b.Name} available={b.Available} ({b.Detail})");
Console.WriteLine($"engine {engine.Backend}; social attention over {others.Length}: {social.Scores.Length} scores; "
    + $"matrix {scores.Length} entries; sparse {sparse.Length}; e01 == r: {e01.Score == r.Score}");
