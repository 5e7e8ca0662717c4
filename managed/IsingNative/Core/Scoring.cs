namespace IsingNative.Core;

/// <summary>The blittable score weights (the C API's <c>ising_weights</c>).</summary>
internal struct ScoreWeights
{
    public double Overlap, Energy, Coupling, Magnetization;

    public static ScoreWeights From(EmpathyWeights w) => new()
    {
        Overlap = w.Overlap, Energy = w.Energy, Coupling = w.Coupling, Magnetization = w.Magnetization,
    };
}

/// <summary>§5 steps 2–5 of one prediction (see <see cref="Scoring.Parts"/>).</summary>
internal readonly record struct EmpathyParts(double Overlap, double EnergyError, double MagnetizationError,
    double PredictedEnergy, double ActualEnergy);

/// <summary>
/// §5 perspective accuracy and score, §6 coupling similarity and the §7 quick estimate,
/// each with the contract's exact operation order.
/// </summary>
internal static unsafe class Scoring
{
    /// <summary>§6 Σ a_ij² over the strict upper triangle, i outer, j inner (the norm the caches keep).</summary>
    public static double UpperNormSquared(int n, double* a)
    {
        double acc = 0.0;
        for (int i = 0; i < n; i++)
        {
            double* row = a + (long)i * n;
            for (int k = i + 1; k < n; k++) acc += row[k] * row[k];
        }
        return acc;
    }

    /// <summary>§6 Σ a_ij b_ij over the strict upper triangle, i outer, j inner.</summary>
    public static double UpperDot(int n, double* a, double* b)
    {
        double acc = 0.0;
        for (int i = 0; i < n; i++)
        {
            long off = (long)i * n;
            for (int k = i + 1; k < n; k++) acc += a[off + k] * b[off + k];
        }
        return acc;
    }

    /// <summary>§6 from the three sums: 0.5 when a norm is 0, else (clamp(cos) + 1)/2.</summary>
    public static double SimilarityFrom(double dot, double na, double nb)
    {
        if (na == 0.0 || nb == 0.0) return 0.5;
        // Below the smallest normal double the product loses its digits or becomes 0
        // (0/0 for orthogonal tiny matrices): the roots divide one after the other.
        double p = na * nb;
        double cos = p >= 2.2250738585072014e-308 ? dot / Math.Sqrt(p) : dot / Math.Sqrt(na) / Math.Sqrt(nb);
        if (cos > 1.0) cos = 1.0;
        if (cos < -1.0) cos = -1.0;
        return (cos + 1.0) / 2.0;
    }

    /// <summary>§6 in one go (no caching).</summary>
    public static double CouplingSimilarity(int n, double* a, double* b)
        => SimilarityFrom(UpperDot(n, a, b), UpperNormSquared(n, a), UpperNormSquared(n, b));

    /// <summary>
    /// §5 steps 2–5: the parts of the score that depend on the other alone (its J, h, actual
    /// spins and the predicted spins), given <paramref name="actualEnergy"/>, the §3 energy of
    /// the other's actual spins. Only the coupling similarity depends on self, so a quick
    /// estimate computes these once per other.
    /// </summary>
    public static EmpathyParts Parts(SystemView other, double actualEnergy, sbyte* predicted)
    {
        int n = other.N;
        double ep = ObservablesCore.Energy(n, other.J, other.H, predicted);
        double ea = actualEnergy;
        double mp = ObservablesCore.Magnetization(n, predicted);
        double ma = ObservablesCore.Magnetization(n, other.S);
        int agree = 0;
        for (int i = 0; i < n; i++) agree += predicted[i] == other.S[i] ? 1 : 0;
        // Z2 symmetry: counting the disagreements as agreements of the flipped state keeps
        // the two orientations exactly equal (1 - agree/n can differ from (n-agree)/n by an ulp).
        double d = (double)agree / (double)n;
        double overlap = d > 0.95 ? d : (double)Math.Max(agree, n - agree) / (double)n;
        double energyError = Math.Abs(ep - ea) / Math.Max(Math.Max(Math.Abs(ep), Math.Abs(ea)), 1.0);
        double magError = Math.Abs(Math.Abs(mp) - Math.Abs(ma));
        return new EmpathyParts(overlap, energyError, magError, ep, ea);
    }

    /// <summary>
    /// §5 steps 2–7: compares the predicted spins with the other's actual ones and
    /// weighs the components; the anneal's steps and counts are copied into the result.
    /// <paramref name="actualEnergy"/> is the §3 energy of the other's actual spins (the
    /// caller may reuse it for many predictions of the same system).
    /// </summary>
    public static EmpathyResult Empathy(SystemView other, double actualEnergy, sbyte* predicted,
        double couplingSimilarity, in ScoreWeights w, int steps, in TrialCounts counts)
    {
        EmpathyParts p = Parts(other, actualEnergy, predicted);
        double score = Score(w, p.Overlap, p.EnergyError, couplingSimilarity, p.MagnetizationError);
        return new EmpathyResult(score, p.Overlap, p.EnergyError, p.MagnetizationError, couplingSimilarity,
            p.PredictedEnergy, p.ActualEnergy, steps, counts.Trials, counts.Accepted);
    }

    /// <summary>§5.7: a = wO·ov; a += wE·max(0,1-eErr); a += wC·c; a += wM·(1-min(1,mErr)); clamp to [0,1].</summary>
    public static double Score(in ScoreWeights w, double overlap, double energyError, double c, double magError)
    {
        double a = w.Overlap * overlap;
        a = a + w.Energy * Math.Max(0.0, 1.0 - energyError);
        a = a + w.Coupling * c;
        a = a + w.Magnetization * (1.0 - Math.Min(1.0, magError));
        return a < 0.0 ? 0.0 : a > 1.0 ? 1.0 : a;
    }

    /// <summary>§7 quick estimate: 0.7·(1 - min(|Es - Eo|/scale, 1)) + 0.3·c.</summary>
    public static QuickEstimate Quick(double energySelf, double energyOther, double c, double scale)
    {
        double diff = Math.Abs(energySelf - energyOther);
        double q = 0.7 * (1.0 - Math.Min(diff / scale, 1.0)) + 0.3 * c;
        return new QuickEstimate(q, c, diff);
    }
}
