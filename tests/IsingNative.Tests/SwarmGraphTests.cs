namespace IsingNative.Tests;

/// <summary>Swarm graphs (docs/SWARM.md §1): shapes, determinism and bad input.</summary>
public class SwarmGraphTests
{
    [Test]
    public void RingAttendsToTheNearestOnEachSide()
    {
        var g = SwarmGraph.Ring(10, 3);
        Assert.That(g.Neighbours(0).ToArray(), Is.EqualTo(new[] { 1, 2, 9 }), "⌈3/2⌉ = 2 ahead, 1 behind, sorted");
        Assert.That(g.Neighbours(9).ToArray(), Is.EqualTo(new[] { 0, 1, 8 }));
        Assert.That(g.EdgeCount, Is.EqualTo(30));
        var all = SwarmGraph.Ring(5, 4);
        for (int a = 0; a < 5; a++)
            Assert.That(all.Neighbours(a).ToArray(), Is.EqualTo(Enumerable.Range(0, 5).Where(b => b != a).ToArray()), "m = K - 1 is all-to-all");
    }

    [Test]
    public void AllToAllAndEdgesAreGroupedBySelf()
    {
        var g = SwarmGraph.All(4);
        Assert.That(g.EdgeCount, Is.EqualTo(12));
        var edges = g.Edges.ToArray();
        for (int a = 0; a < 4; a++)
        {
            Assert.That(g.FirstEdge(a), Is.EqualTo(3 * a));
            Assert.That(edges.Skip(3 * a).Take(3).Select(e => (e.Self, e.Other)),
                Is.EqualTo(Enumerable.Range(0, 4).Where(b => b != a).Select(b => (a, b))));
        }
    }

    [TestCase(50, 5)]
    [TestCase(12, 10)]   // dense: the Fisher–Yates branch
    public void RandomIsOutRegularDistinctAndSeeded(int k, int m)
    {
        var g = SwarmGraph.Random(k, m, 7);
        for (int a = 0; a < k; a++)
        {
            var ns = g.Neighbours(a).ToArray();
            Assert.That(ns, Has.Length.EqualTo(m));
            Assert.That(ns, Is.Ordered.Ascending);
            Assert.That(ns.Distinct().Count(), Is.EqualTo(m), $"agent {a}: distinct");
            Assert.That(ns, Does.Not.Contain(a), $"agent {a}: no self-loop");
            Assert.That(ns, Is.All.InRange(0, k - 1));
        }
        Assert.That(SwarmGraph.Random(k, m, 7).Edges.ToArray(), Is.EqualTo(g.Edges.ToArray()), "same seed, same graph");
        Assert.That(SwarmGraph.Random(k, m, 8).Edges.ToArray(), Is.Not.EqualTo(g.Edges.ToArray()), "another seed, another graph");
    }

    [Test]
    public void ParseReadsEdgeListsAndNamesBadLines()
    {
        var g = SwarmGraph.Parse(4, new StringReader("# a comment\n0 1\n0,3\n\n2\t1  # trailing\n"), "g.txt");
        Assert.That(g.EdgeCount, Is.EqualTo(3));
        Assert.That(g.Neighbours(0).ToArray(), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(g.Neighbours(1).ToArray(), Is.Empty, "isolated agents are allowed");
        Assert.That(g.Neighbours(2).ToArray(), Is.EqualTo(new[] { 1 }));

        Assert.That(() => SwarmGraph.Parse(4, new StringReader("0 1\n1 x\n"), "g.txt"),
            Throws.TypeOf<FormatException>().With.Message.Contains("g.txt:2").And.Message.Contains("1 x"));
        Assert.That(() => SwarmGraph.Parse(4, new StringReader("0 4\n"), "g.txt"),
            Throws.TypeOf<FormatException>().With.Message.Contains("g.txt:1").And.Message.Contains("(0, 4)"));
        Assert.That(() => SwarmGraph.Parse(4, new StringReader("2 2\n"), "g.txt"),
            Throws.TypeOf<FormatException>().With.Message.Contains("self-loop"));
        Assert.That(() => SwarmGraph.Parse(4, new StringReader("0 1\n0 1\n"), "g.txt"),
            Throws.TypeOf<FormatException>().With.Message.Contains("g.txt:2").And.Message.Contains("(0, 1) repeats line 1"));
        Assert.That(() => SwarmGraph.Parse(4, new StringReader("-1 2\n"), "g.txt"),
            Throws.TypeOf<FormatException>().With.Message.Contains("g.txt:1"));
    }

    [Test]
    public void BadSizesAreNamed()
    {
        Assert.That(() => SwarmGraph.Ring(1, 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("agents"));
        Assert.That(() => SwarmGraph.Ring(5, 5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("neighbours")
            .And.Message.Contains("got 5"));
        Assert.That(() => SwarmGraph.Random(5, 0, 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("neighbours"));
        Assert.That(() => SwarmGraph.FromEdges(3, [new AgentEdge(0, 3)]), Throws.ArgumentException.With.Message.Contains("(0, 3)"));
        Assert.That(() => SwarmGraph.Ring(4, 2).Neighbours(4), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("agent"));
    }
}
