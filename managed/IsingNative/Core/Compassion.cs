namespace IsingNative.Core;

/// <summary>The compassionate response of ALGORITHM.md §11 (mutates self's arrays; the caller bumps the version).</summary>
internal static class Compassion
{
    /// <summary>For i&lt;j: J_ij = J_ji = (1-b)·J_self_ij + b·J_other_ij.</summary>
    public static void Blend(int n, Span<double> self, ReadOnlySpan<double> other, double b)
    {
        double keep = 1.0 - b;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double v = keep * self[i * n + j] + b * other[i * n + j];
                // A convex blend of two values within the bound can round one ulp past it:
                // kept at the bound, so the system stays valid on every backend (§11).
                v = Math.Clamp(v, -Validation.MaxMagnitude, Validation.MaxMagnitude);
                self[i * n + j] = v;
                self[j * n + i] = v;
            }
        }
    }

    /// <summary>Flips site i iff u53(w0,w1) &lt; τ of draw (i, COMPASSION); returns how many flipped.</summary>
    public static int FlipNoise(Span<sbyte> spins, ulong seed, double tau)
    {
        int flipped = 0;
        for (int i = 0; i < spins.Length; i++)
        {
            PhiloxWords w = RandomStreams.Draw(seed, (ulong)i, RandomStreams.Compassion);
            if (RandomStreams.U53(w.W0, w.W1) < tau)
            {
                spins[i] = (sbyte)-spins[i];
                flipped++;
            }
        }
        return flipped;
    }
}
