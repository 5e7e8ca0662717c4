using System.Runtime.InteropServices;

namespace IsingNative;

/// <summary>
/// One empathy request on an <see cref="AgentSet"/>: member <paramref name="Self"/> towards
/// member <paramref name="Other"/> with the anneal's <paramref name="Seed"/>. Laid out as the
/// C API's <c>isn_pair</c> (a batch is handed to the native library without a copy).
/// </summary>
/// <param name="Self">Index of the empathising member.</param>
/// <param name="Other">Index of the simulated member (same n as Self).</param>
/// <param name="Seed">The anneal's seed (ignored by quick estimates and similarities).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct AgentPair(int Self, int Other, ulong Seed);

/// <summary>
/// One directed edge of a swarm's attention graph: member <paramref name="Self"/> attends to
/// member <paramref name="Other"/>. Its seed is the K×K matrix entry's
/// (<c>seedBase + Self·K + Other</c>), so an edge batch is a sparse subset of
/// <see cref="AgentSet.EmpathyMatrix(ulong, Span{double}, EmpathyOptions?, CancellationToken, IProgress{BatchProgress}?)"/>.
/// Laid out as the C API's <c>isn_edge</c>.
/// </summary>
/// <param name="Self">Index of the attending member.</param>
/// <param name="Other">Index of the member attended to.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct AgentEdge(int Self, int Other);

/// <summary>Progress of a long batch: <paramref name="Done"/> of <paramref name="Total"/> jobs finished.</summary>
/// <param name="Done">Jobs finished so far (non-decreasing over one call, at most Total).</param>
/// <param name="Total">Jobs of the whole call.</param>
public readonly record struct BatchProgress(long Done, long Total);

/// <summary>What an <see cref="AgentSet"/> holds in its backend.</summary>
/// <param name="Count">Members.</param>
/// <param name="MaxN">Largest member n.</param>
/// <param name="HostBytes">The backend's host copy (0 for the managed backend, which reads the members' own arrays).</param>
/// <param name="DeviceBytes">The device-resident copy (0 off the GPU).</param>
public readonly record struct AgentSetInfo(int Count, int MaxN, long HostBytes, long DeviceBytes);
