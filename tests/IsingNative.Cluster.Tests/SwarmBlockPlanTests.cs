namespace IsingNative.Cluster.Tests;

/// <summary>Issue 23 item 1: how a swarm is cut into blocks and what their boundary is, against a count of every edge.</summary>
public class SwarmBlockPlanTests
{
    [Test]
    public void ARingsBlocksImportTheAgentsAroundTheirEdges()
    {
        // Agent a attends to a±1 and a±2: block 1 (agents 5..9) needs 3, 4 from block 0 and 10, 11 from block 2.
        var plan = SwarmBlockPlan.Create(SwarmGraph.Ring(20, 4), 5);
        Assert.That(plan.BlockCount, Is.EqualTo(4));
        Assert.That(plan.Range(3), Is.EqualTo((15, 5)));
        Assert.That(plan.Imports(1).Select(g => (g.Block, g.Agents)), Is.EqualTo(new[] { (0, new[] { 3, 4 }), (2, new[] { 10, 11 }) }));
        Assert.That(plan.Imports(0).Select(g => (g.Block, g.Agents)), Is.EqualTo(new[] { (1, new[] { 5, 6 }), (3, new[] { 18, 19 }) }), "the ring wraps");
        Assert.That(plan.Exports(1).ToArray(), Is.EqualTo(new[] { 5, 6, 8, 9 }));
        Assert.That(plan.BoundaryAgents, Is.EqualTo(16));
        Assert.That(plan.BoundaryCopies, Is.EqualTo(16));
    }

    [TestCase(23, 4, 5)]
    [TestCase(40, 7, 6)]
    [TestCase(17, 3, 1)]
    [TestCase(10, 3, 64)]
    public void ImportsAndExportsAreExactlyTheEdgesBetweenBlocks(int k, int m, int blockSize)
    {
        var graph = SwarmGraph.Random(k, m, 11);
        var plan = SwarmBlockPlan.Create(graph, blockSize);
        int block(int agent) => agent / plan.BlockSize;
        Assert.That(plan.BlockCount, Is.EqualTo((k + plan.BlockSize - 1) / plan.BlockSize));
        var exported = new SortedSet<int>();
        long copies = 0;
        for (int b = 0; b < plan.BlockCount; b++)
        {
            var (first, count) = plan.Range(b);
            var needed = new SortedSet<int>();
            for (int a = first; a < first + count; a++)
                foreach (int x in graph.Neighbours(a))
                    if (block(x) != b) needed.Add(x);
            exported.UnionWith(needed);
            copies += needed.Count;
            Assert.That(plan.Imports(b).SelectMany(g => g.Agents), Is.EqualTo(needed), $"block {b}'s imports");
            Assert.That(plan.Imports(b).All(g => g.Agents.All(x => block(x) == g.Block)), Is.True, "grouped by their block");
            Assert.That(plan.Imports(b).Select(g => g.Block), Is.Ordered.And.Unique);

            var init = plan.Init(b, Clusters.Options, Clusters.Agents(k, 6).Select(s => SwarmAgent.Create(s).ToState()).ToArray());
            Assert.That(init.States, Has.Length.EqualTo(count));
            for (int i = 0; i < count; i++)
                Assert.That(init.Neighbours[init.NeighbourStarts[i]..init.NeighbourStarts[i + 1]], Is.EqualTo(graph.Neighbours(first + i).ToArray()), $"agent {first + i}'s neighbours");
        }
        Assert.That(Enumerable.Range(0, plan.BlockCount).SelectMany(b => plan.Exports(b).ToArray()), Is.EqualTo(exported), "exports: the agents some other block imports");
        Assert.That(plan.BoundaryCopies, Is.EqualTo(copies));
    }

    [Test]
    public void ABlockSizeOfZeroIsNamed() =>
        Assert.That(() => SwarmBlockPlan.Create(SwarmGraph.Ring(6, 2), 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("blockSize").And.Message.Contains("got 0"));
}
