using System.Runtime.InteropServices;

namespace IsingNative.Core;

/// <summary>
/// The anneal's inputs as one blittable struct with the field order and layout of the C
/// API's <c>isn_anneal_options</c> (native/include/isingnative.h), so a native backend can
/// pass it by pointer. Built from a validated <see cref="AnnealOptions"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AnnealParams
{
    /// <summary>T when not adaptive.</summary>
    public int Steps;
    /// <summary>K.</summary>
    public int TrialsPerStep;
    /// <summary>β0.</summary>
    public double BetaStart;
    /// <summary>β1.</summary>
    public double BetaEnd;
    /// <summary>1 when T = 50 + n/10.</summary>
    public int AdaptiveSteps;
    /// <summary>0 Metropolis, 1 SeedCompatible.</summary>
    public int Acceptance;
    /// <summary>0 double, 1 single.</summary>
    public int Precision;
    /// <summary>Early-stop window W; 0 disables the early stop.</summary>
    public int EarlyStopWindow;
    /// <summary>Early-stop threshold βstop.</summary>
    public double EarlyStopBeta;
    /// <summary>0 random, 1 sequential (§4.1).</summary>
    public int SweepOrder;
    /// <summary>The C struct's explicit padding; always 0.</summary>
    public int Reserved0;

    public static AnnealParams From(AnnealOptions o) => new()
    {
        Steps = o.Steps,
        TrialsPerStep = o.TrialsPerStep,
        BetaStart = o.BetaStart,
        BetaEnd = o.BetaEnd,
        Acceptance = (int)o.Acceptance,
        Precision = (int)o.Precision,
        AdaptiveSteps = o.AdaptiveSteps ? 1 : 0,
        EarlyStopWindow = o.EarlyStop?.Window ?? 0,
        EarlyStopBeta = o.EarlyStop?.BetaThreshold ?? 0.0,
        SweepOrder = (int)o.SweepOrder,
    };

    /// <summary>T for a system of n spins (§4 adaptive steps).</summary>
    public readonly int StepsFor(int n) => AdaptiveSteps != 0 ? 50 + n / 10 : Steps;
}

/// <summary>What an anneal or a sampling chain ran.</summary>
internal struct TrialCounts
{
    public long Trials;
    public long Accepted;
}
