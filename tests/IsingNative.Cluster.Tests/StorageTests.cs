using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace IsingNative.Cluster.Tests;

/// <summary>The blocks' directory storage (docs/CLUSTER.md §4): round trip, versions, stale writers, atomic files.</summary>
public class StorageTests
{
    private string _dir = null!;
    private ServiceProvider _services = null!;
    private Serializer _serializer = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "isingswarm-storage-" + Guid.NewGuid().ToString("N"));
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        _serializer = _services.GetRequiredService<Serializer>();
    }

    [TearDown]
    public void TearDown()
    {
        _services.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly SwarmAgent[] Block = MakeBlock();

    private static SwarmAgent[] MakeBlock()
    {
        var agent = SwarmAgent.Create(IsingSystem.SpinGlass(6, 3), 4);
        for (int k = 0; k < 6; k++) agent.Memory.Record(new EmotionVector(0.1 * k, -0.2, 0.3, 1.0 / 3), 0.7 + 0.01 * k);   // the ring wraps
        var other = SwarmAgent.Create(IsingSystem.SeedPattern(6, 5), 4);
        other.Memory.Record(new EmotionVector(-0.5, 0.25, 0, 1), 0.4);
        return [agent, other, SwarmAgent.Create(IsingSystem.SeedPattern(6, 8), 4)];
    }

    private static SwarmBlockCheckpoint State(int round) => SwarmBlockCheckpoint.Of(round, Block, null);

    [TestCase(true)]
    [TestCase(false)]
    public async Task AStateReadsBackBitForBitWithItsVersion(bool onDisk)
    {
        var storage = new DirectorySwarmStorage(onDisk ? _dir : null, _serializer);
        var id = GrainId.Create("block", "run/2");
        var written = new GrainState<SwarmBlockCheckpoint>(State(3));
        await storage.WriteStateAsync("agent", id, written);
        Assert.That(written.ETag, Is.EqualTo("1"));

        var read = new GrainState<SwarmBlockCheckpoint>();
        await storage.ReadStateAsync("agent", id, read);
        Assert.That(read.RecordExists, Is.True);
        Assert.That(read.ETag, Is.EqualTo("1"));
        Assert.That(read.State!.Round, Is.EqualTo(3));
        Assert.That(read.State!.Count, Is.EqualTo(3));
        var agents = read.State!.Agents(SwarmBlockCheckpoint.InitialCouplingsOf(Block));
        Assert.That(SwarmAgent.Digest(agents), Is.EqualTo(SwarmAgent.Digest(Block)), "every agent's couplings, fields, spins and memory, bit for bit");
        Assert.That(agents.Select(a => a.Memory.Count), Is.EqualTo(new[] { 4, 1, 0 }), "a full memory, one entry, none");
        Assert.That(agents[0].Memory.Recall(), Is.EqualTo(Block[0].Memory.Recall()), "the same entries, oldest first");
        Assert.That(agents[0].InitialCouplings.ToArray(), Is.EqualTo(Block[0].InitialCouplings.ToArray()));
        if (onDisk)
            Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EqualTo(new[] { "agent_005fblock_002frun_002f2.state" }), "one file, no temp file left");

        var missing = new GrainState<SwarmBlockCheckpoint>();
        await storage.ReadStateAsync("agent", GrainId.Create("block", "run/3"), missing);
        Assert.That(missing.RecordExists, Is.False);
    }

    [Test]
    public async Task AStaleActivationsWriteIsRefusedAndChangesNothing()
    {
        var storage = new DirectorySwarmStorage(_dir, _serializer);
        var id = GrainId.Create("block", "run/0");
        await storage.WriteStateAsync("agent", id, new GrainState<SwarmBlockCheckpoint>(State(0)));

        var a = new GrainState<SwarmBlockCheckpoint>();
        var b = new GrainState<SwarmBlockCheckpoint>();
        await storage.ReadStateAsync("agent", id, a);
        await storage.ReadStateAsync("agent", id, b);
        a.State!.Round = 1;
        await storage.WriteStateAsync("agent", id, a);
        b.State!.Round = 7;
        Assert.That(() => storage.WriteStateAsync("agent", id, b), Throws.InstanceOf<InconsistentStateException>().With.Message.Contains("stored version 2"));

        // A second storage over the same directory (another silo) sees the first one's write.
        var other = new DirectorySwarmStorage(_dir, _serializer);
        var c = new GrainState<SwarmBlockCheckpoint>();
        await other.ReadStateAsync("agent", id, c);
        Assert.That(c.State!.Round, Is.EqualTo(1));
        Assert.That(c.ETag, Is.EqualTo("2"));
    }
}
