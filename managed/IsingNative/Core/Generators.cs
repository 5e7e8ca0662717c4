namespace IsingNative.Core;

/// <summary>The system generators of ALGORITHM.md §8 (managed only; natives receive arrays).</summary>
internal static class Generators
{
    private const uint SubCouplings = 0, SubFields = 1, SubSpins = 2, SubNormals = 3;

    /// <summary>The original code's agents: J_ij = base·(0.7 + 0.6u), h_i = 0.1(u - 0.5), random spins.</summary>
    public static void SeedPattern(int n, ulong seed, Span<double> j, Span<double> h, Span<sbyte> s)
    {
        for (int a = 0; a < n; a++)
        {
            j[a * n + a] = 0.0;
            for (int b = a + 1; b < n; b++)
            {
                PhiloxWords w = RandomStreams.Draw(seed, (ulong)a * (ulong)n + (ulong)b, RandomStreams.Generate, SubCouplings);
                double v = 0.7 + 0.6 * RandomStreams.U53(w.W0, w.W1);
                double baseValue = (a + b) % 3 == 0 ? 1.0 : 0.5;
                j[a * n + b] = j[b * n + a] = baseValue * v;
            }
        }
        for (int a = 0; a < n; a++)
        {
            PhiloxWords w = RandomStreams.Draw(seed, (ulong)a, RandomStreams.Generate, SubFields);
            h[a] = 0.1 * (RandomStreams.U53(w.W0, w.W1) - 0.5);
        }
        FillSpins(n, seed, s);
    }

    /// <summary>Sherrington–Kirkpatrick: J_ij ~ Normal(0, 1/√n) by the polar method, h = 0, random spins.</summary>
    public static void SpinGlass(int n, ulong seed, Span<double> j, Span<double> h, Span<sbyte> s)
    {
        ulong nn = (ulong)n * (ulong)n;
        double sqrtN = Math.Sqrt((double)n);
        for (int a = 0; a < n; a++)
        {
            j[a * n + a] = 0.0;
            for (int b = a + 1; b < n; b++)
            {
                ulong p = (ulong)a * (ulong)n + (ulong)b;
                double z;
                for (ulong attempt = 0; ; attempt++)
                {
                    PhiloxWords w = RandomStreams.Draw(seed, p + attempt * nn, RandomStreams.Generate, SubNormals);
                    double x = 2.0 * RandomStreams.U53(w.W0, w.W1) - 1.0;
                    double y = 2.0 * RandomStreams.U53(w.W2, w.W3) - 1.0;
                    double q = x * x + y * y;
                    if (q > 0.0 && q < 1.0)
                    {
                        z = x * Math.Sqrt(-2.0 * DetMath.Log(q) / q);
                        break;
                    }
                }
                j[a * n + b] = j[b * n + a] = z / sqrtN;
            }
        }
        h.Clear();
        FillSpins(n, seed, s);
    }

    private static void FillSpins(int n, ulong seed, Span<sbyte> s)
    {
        for (int a = 0; a < n; a++)
            s[a] = RandomStreams.SpinFromWord(RandomStreams.Draw(seed, (ulong)a, RandomStreams.Generate, SubSpins).W0);
    }
}
