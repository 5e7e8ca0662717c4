namespace IsingNative.Tests;

/// <summary>
/// What the swarm API refuses (issue 22): edge lists whose errors name their line without
/// echoing control bytes, graphs of no agents as a bad argument, resumed checkpoints checked
/// exactly like new agents, and a round counter that cannot wrap.
/// </summary>
public class SwarmInputTests
{
    private static readonly SwarmOptions Options = new()
    {
        Seed = 5,
        Empathy = new EmpathyOptions { Anneal = new AnnealOptions { Steps = 5, TrialsPerStep = 2 } },
    };

    private static SwarmGraph Parse(string text, int agents = 4) => SwarmGraph.Parse(agents, new StringReader(text), "g.txt");

    [Test]
    public void RepeatedEdgeNamesItsLineAndTheLineItRepeats()
    {
        var ex = Assert.Throws<FormatException>(() => Parse("0 1\n1 2\n# note\n2,3\n1\t2\n0 1\n"))!;
        Assert.That(ex.Message, Is.EqualTo("g.txt:5: edge (1, 2) repeats line 2; list each edge once."),
            "the first repeat in file order (line 5), not the first edge in sorted order (line 6)");
    }

    [Test]
    public void ParseMessagesCarryNoParameterSuffix()
    {
        foreach (var text in new[] { "0 1\n0 1\n", "0 9\n", "1 1\n", "0 x\n" })
        {
            var ex = Assert.Throws<FormatException>(() => Parse(text))!;
            Assert.That(ex.Message, Does.Not.Contain("(Parameter"), text);
            Assert.That(ex.Message, Does.StartWith("g.txt:1:").Or.StartWith("g.txt:2:"), text);
        }
    }

    [TestCase("0 1\u0000", "0 1\\u0000", TestName = "a NUL after the index is refused and shown escaped")]
    [TestCase("0 \u001b[2J1\u0007", "0 \\u001b[2J1\\u0007", TestName = "ESC and BEL are shown escaped")]
    [TestCase("0 \u202e1", "0 \\u202e1", TestName = "a bidirectional override is shown escaped")]
    [TestCase("\u0661 2", "\u0661 2", TestName = "a non-ASCII digit is not an index")]
    public void ALineWithOtherCharactersIsRefusedAndShownEscaped(string line, string shown)
    {
        var ex = Assert.Throws<FormatException>(() => Parse("2 3\n" + line + "\n"))!;
        Assert.That(ex.Message, Is.EqualTo($"g.txt:2: expected two agent indices 'self other', got '{shown}'."));
        Assert.That(ex.Message.Any(char.IsControl), Is.False, "no raw control character");
    }

    [Test]
    public void EdgeWithTrailingNulIsNotAnEdge()
    {
        Assert.That(Parse("0 1\n").EdgeCount, Is.EqualTo(1), "the control");
        Assert.Throws<FormatException>(() => Parse("0 1\0\n"));
    }

    [TestCase(0)]
    [TestCase(-3)]
    [TestCase(IsingEngine.MaxAgents + 1)]
    public void ParseOfNoAgentsIsABadArgumentNotABadFile(int agents)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SwarmGraph.Parse(agents, new StringReader("0 1\n"), "g.txt"))!;
        Assert.That(ex.ParamName, Is.EqualTo("agents"));
        Assert.That(ex.Message, Does.Contain($"got {agents}"));
    }

    private static SwarmAgentState[] Checkpoint(out SwarmGraph graph)
    {
        graph = SwarmGraph.Ring(4, 2);
        using var engine = IsingEngine.Create(BackendKind.Managed);
        var systems = Enumerable.Range(0, 4).Select(a => IsingSystem.SeedPattern(5, 30 + (ulong)a)).ToArray();
        using var sim = new SwarmSimulation(engine, systems, graph, Options);
        sim.Run(1);
        return sim.SaveStates();
    }

    private static void ResumeIsRefused(Func<SwarmAgentState, SwarmAgentState> spoil, params string[] texts)
    {
        var states = Checkpoint(out var graph);
        using var engine = IsingEngine.Create(BackendKind.Managed);
        using (new SwarmSimulation(engine, states, graph, Options, 1)) { }   // the control: the checkpoint resumes
        states[2] = spoil(states[2]);
        var ex = Assert.Throws<ArgumentException>(() => new SwarmSimulation(engine, states, graph, Options, 1))!;
        Assert.That(ex.ParamName, Is.EqualTo("state"));
        foreach (var text in texts) Assert.That(ex.Message, Does.Contain(text));
    }

    [Test]
    public void ResumeWithoutSpinsIsRefused() =>
        ResumeIsRefused(s => s with { Spins = [] }, "Spins has 0 values", "n=5");

    [Test]
    public void ResumeWithANaNInitialCouplingIsRefused() =>
        ResumeIsRefused(s =>
        {
            var initial = (double[])s.InitialCouplings.Clone();
            initial[1] = double.NaN;
            return s with { InitialCouplings = initial };
        }, "InitialCouplings", "J[0,1]=NaN", "not finite");

    [Test]
    public void ResumeWithAsymmetricInitialCouplingsIsRefused() =>
        ResumeIsRefused(s =>
        {
            var initial = (double[])s.InitialCouplings.Clone();
            initial[1] += 1;
            return s with { InitialCouplings = initial };
        }, "InitialCouplings", "not symmetric");

    [Test]
    public void ResumeWithANaNMemoryScoreIsRefused() =>
        ResumeIsRefused(s => s with { MemoryScores = [double.NaN] }, "memory entry 0", "finite");

    [Test]
    public void ResumeWithASpinOfZeroIsRefused() =>
        ResumeIsRefused(s => s with { Spins = [1, 0, 1, 1, 1] }, "spins");

    [Test]
    public void TheRoundCounterDoesNotWrap()
    {
        var states = Checkpoint(out var graph);
        using var engine = IsingEngine.Create(BackendKind.Managed);
        using var last = new SwarmSimulation(engine, states, graph, Options, int.MaxValue - 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => last.Run(2))!;
        Assert.That(ex.ParamName, Is.EqualTo("rounds"));
        Assert.That(ex.Message, Does.Contain("at most 1"));
        Assert.That(last.Round, Is.EqualTo(int.MaxValue - 1), "the refused Run ran nothing");

        Assert.That(last.Run(1).Single().Round, Is.EqualTo(int.MaxValue - 1), "the last round the counter holds");
        Assert.That(last.Round, Is.EqualTo(int.MaxValue));
        string digest = last.Digest();
        Assert.Throws<InvalidOperationException>(() => last.Step());
        Assert.Throws<ArgumentOutOfRangeException>(() => last.Run(1));
        Assert.That(last.Round, Is.EqualTo(int.MaxValue), "never negative");
        Assert.That(last.Digest(), Is.EqualTo(digest), "the refused rounds changed nothing");
    }
}
