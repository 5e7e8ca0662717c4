using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli;

/// <summary>Which generator builds systems when no file is given (CLI.md <c>--pattern</c>).</summary>
internal enum GeneratorPattern
{
    /// <summary>The original research code's agents (MODEL.md §1 "seed pattern").</summary>
    Seed,
    /// <summary>Sherrington–Kirkpatrick spin glass.</summary>
    SpinGlass,
}

/// <summary>
/// Every option of docs/CLI.md, defined once and shared by the commands (an option
/// instance may belong to several commands). Values that need more than a type conversion
/// (enumerations with dashes, comma lists, weights) are parsed here, so a bad value is a
/// parse error that names the option (exit code 2).
/// </summary>
internal static class CliOptions
{
    // The choice tables come first: static fields initialise in textual order.
    private static readonly (string Name, BackendKind Value)[] BackendChoices =
        [("auto", BackendKind.Auto), ("managed", BackendKind.Managed), ("native-cpu", BackendKind.NativeCpu), ("gpu", BackendKind.Gpu)];

    private static readonly (string Name, GeneratorPattern Value)[] PatternChoices =
        [("seed", GeneratorPattern.Seed), ("spin-glass", GeneratorPattern.SpinGlass)];

    private static readonly (string Name, AcceptanceRule Value)[] AcceptanceChoices =
        [("metropolis", AcceptanceRule.Metropolis), ("seed-compatible", AcceptanceRule.SeedCompatible)];

    private static readonly (string Name, Precision Value)[] PrecisionChoices =
        [("double", Precision.Double), ("single", Precision.Single)];

    private static readonly (string Name, SweepOrder Value)[] SweepChoices =
        [("random", SweepOrder.Random), ("sequential", SweepOrder.Sequential)];

    private static readonly (string Name, QuickMethod Value)[] QuickMethodChoices =
        [("seed", QuickMethod.Seed), ("quench", QuickMethod.Quench)];

    /// <summary>The command-line name of a quick-estimate method (<c>seed</c>, <c>quench</c>).</summary>
    public static string NameOf(QuickMethod method) => NameIn(QuickMethodChoices, method);

    /// <summary>The command-line name of any choice value (<c>native-cpu</c>, <c>seed-compatible</c>), for help and messages.</summary>
    public static string NameOf(Enum value) => value switch
    {
        BackendKind v => NameOf(v),
        GeneratorPattern v => NameIn(PatternChoices, v),
        AcceptanceRule v => NameIn(AcceptanceChoices, v),
        Precision v => NameIn(PrecisionChoices, v),
        SweepOrder v => NameIn(SweepChoices, v),
        QuickMethod v => NameOf(v),
        _ => value.ToString().ToLowerInvariant(),
    };

    private static string NameIn<T>((string Name, T Value)[] choices, T value) =>
        Array.Find(choices, c => EqualityComparer<T>.Default.Equals(c.Value, value)).Name ?? value!.ToString()!.ToLowerInvariant();

    /// <summary>The seed used when <c>--seed</c> is not given.</summary>
    public const ulong DefaultSeed = 1;

    // ---- common ------------------------------------------------------------------------

    /// <summary><c>--backend auto|managed|native-cpu|gpu</c>.</summary>
    public static readonly Option<BackendKind> Backend = new("--backend")
    {
        Description = "Compute backend: auto|managed|native-cpu|gpu (auto picks the best available)",
        DefaultValueFactory = _ => BackendKind.Auto,
        CustomParser = r => ParseChoice(r, "--backend", BackendChoices, BackendKind.Auto),
        HelpName = "auto|managed|native-cpu|gpu",
    };

    /// <summary><c>--json</c>: one JSON document on stdout and nothing else there.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print exactly one JSON document on stdout instead of the human summary",
    };

    /// <summary><c>--seed</c>: the seed of the anneal, sampling or seed base of batches.</summary>
    public static readonly Option<ulong> Seed = new("--seed")
    {
        Description = "Random seed (Philox key) of the anneal / sampling / seed base of a batch",
        DefaultValueFactory = _ => DefaultSeed,
    };

    // ---- generators --------------------------------------------------------------------

    /// <summary><c>--n</c>: spins per generated system.</summary>
    public static readonly Option<int> N = new("--n")
    {
        Description = "Number of spins of generated systems",
        DefaultValueFactory = _ => 20,
    };

    /// <summary><c>--self-seed</c>: generator seed of self (and of swarm agent 0).</summary>
    public static readonly Option<ulong> SelfSeed = new("--self-seed")
    {
        Description = "Generator seed of the self system (swarm agent k uses self-seed + k)",
        DefaultValueFactory = _ => 42,
    };

    /// <summary><c>--other-seed</c>: generator seed of other (other k uses other-seed + k).</summary>
    public static readonly Option<ulong> OtherSeed = new("--other-seed")
    {
        Description = "Generator seed of the other system (social: other k uses other-seed + k)",
        DefaultValueFactory = _ => 99,
    };

    /// <summary><c>--pattern seed|spin-glass</c>.</summary>
    public static readonly Option<GeneratorPattern> Pattern = new("--pattern")
    {
        Description = "Generator of systems: seed (the research code's agents) or spin-glass (SK)",
        DefaultValueFactory = _ => GeneratorPattern.Seed,
        CustomParser = r => ParseChoice(r, "--pattern", PatternChoices, GeneratorPattern.Seed),
        HelpName = "seed|spin-glass",
    };

    // ---- files -------------------------------------------------------------------------

    /// <summary><c>--self F</c>.</summary>
    public static readonly Option<string?> SelfFile = new("--self")
    {
        Description = "System file of self (JSON, see docs/CLI.md); overrides the generator",
        HelpName = "FILE",
    };

    /// <summary><c>--other F</c>.</summary>
    public static readonly Option<string?> OtherFile = new("--other")
    {
        Description = "System file of the other; overrides the generator",
        HelpName = "FILE",
    };

    /// <summary><c>--others F1,F2,...</c>.</summary>
    public static readonly Option<string[]?> OthersFiles = new("--others")
    {
        Description = "Comma-separated system files of the others; overrides the generator",
        HelpName = "F1,F2,...",
        CustomParser = ParseFileList,
    };

    /// <summary><c>--system F</c>.</summary>
    public static readonly Option<string?> SystemFile = new("--system")
    {
        Description = "System file (JSON, see docs/CLI.md); without it a system is generated from --n/--self-seed/--pattern",
        HelpName = "FILE",
    };

    /// <summary><c>--lenient</c>: system files may have keys the format does not (ignored).</summary>
    public static readonly Option<bool> Lenient = new("--lenient")
    {
        Description = "Ignore unknown keys in system files (by default an unknown key such as \"spin\" is an error)",
    };

    // ---- anneal ------------------------------------------------------------------------

    /// <summary><c>--steps T</c>.</summary>
    public static readonly Option<int> Steps = new("--steps")
    {
        Description = "β steps of the anneal schedule",
        DefaultValueFactory = _ => 100,
    };

    /// <summary><c>--trials-per-step K</c>.</summary>
    public static readonly Option<int> TrialsPerStep = new("--trials-per-step")
    {
        Description = "Single-spin trials per β step",
        DefaultValueFactory = _ => 10,
    };

    /// <summary><c>--beta-start</c>.</summary>
    public static readonly Option<double> BetaStart = new("--beta-start")
    {
        Description = "Inverse temperature of the first step",
        DefaultValueFactory = _ => 0.1,
    };

    /// <summary><c>--beta-end</c>.</summary>
    public static readonly Option<double> BetaEnd = new("--beta-end")
    {
        Description = "Inverse temperature the geometric schedule approaches (default 0.1·e^10)",
        DefaultValueFactory = _ => 0.1 * Math.Exp(10),
    };

    /// <summary><c>--adaptive</c>: T = 50 + n/10.</summary>
    public static readonly Option<bool> Adaptive = new("--adaptive")
    {
        Description = "Adaptive steps: T = 50 + n/10 (overrides --steps)",
    };

    /// <summary><c>--acceptance metropolis|seed-compatible</c>.</summary>
    public static readonly Option<AcceptanceRule> Acceptance = new("--acceptance")
    {
        Description = "Acceptance rule: metropolis (detailed balance) or seed-compatible (the original code's rule; no detailed balance)",
        DefaultValueFactory = _ => AcceptanceRule.Metropolis,
        CustomParser = r => ParseChoice(r, "--acceptance", AcceptanceChoices, AcceptanceRule.Metropolis),
        HelpName = "metropolis|seed-compatible",
    };

    /// <summary><c>--precision double|single</c>.</summary>
    public static readonly Option<Precision> FloatPrecision = new("--precision")
    {
        Description = "Arithmetic of the anneal's local fields: double (exact contract) or single",
        DefaultValueFactory = _ => Precision.Double,
        CustomParser = r => ParseChoice(r, "--precision", PrecisionChoices, Precision.Double),
        HelpName = "double|single",
    };

    /// <summary><c>--sweep random|sequential</c> (ALGORITHM.md §4.1).</summary>
    public static readonly Option<SweepOrder> Sweep = new("--sweep")
    {
        Description = "Site order of the anneal's trials: random (default, MODEL.md §3) or sequential (site g mod n, like neal; a different chain)",
        DefaultValueFactory = _ => SweepOrder.Random,
        CustomParser = r => ParseChoice(r, "--sweep", SweepChoices, SweepOrder.Random),
        HelpName = "random|sequential",
    };

    /// <summary><c>--early-stop-window W</c>: enables the early stop.</summary>
    public static readonly Option<int> EarlyStopWindow = new("--early-stop-window")
    {
        Description = "Stop the anneal after W consecutive rejected trials once β ≥ --early-stop-beta",
        HelpName = "W",
    };

    /// <summary><c>--early-stop-beta B</c>.</summary>
    public static readonly Option<double> EarlyStopBeta = new("--early-stop-beta")
    {
        Description = "β threshold of the early stop (default 0: any β); needs --early-stop-window",
        HelpName = "B",
    };

    // ---- empathy -----------------------------------------------------------------------

    /// <summary><c>--weights wO,wE,wC,wM</c> (or <c>default</c>, <c>seed-code</c>).</summary>
    public static readonly Option<EmpathyWeights> Weights = new("--weights")
    {
        Description = "Score weights overlap,energy,coupling,magnetization (default 0.4,0.3,0.3,0.0; 'seed-code' = 0.30,0,0.60,0.10)",
        DefaultValueFactory = _ => EmpathyWeights.Default,
        CustomParser = ParseWeights,
        HelpName = "wO,wE,wC,wM",
    };

    /// <summary><c>--method seed|quench</c> of <c>ising quick</c> (MODEL.md §7; quench is the default by measurement).</summary>
    public static readonly Option<QuickMethod> QuickMethodOption = new("--method")
    {
        Description = "quench (default: the other's couplings quenched at zero temperature from all +1, scored like the empathy; " +
                      "ranks pairs like the full empathy) or seed (the roadmap's 0.7·(1 - min(|ΔE|/scale, 1)) + 0.3·c)",
        DefaultValueFactory = _ => QuickMethod.Quench,
        CustomParser = r => ParseChoice(r, "--method", QuickMethodChoices, QuickMethod.Quench),
        HelpName = "seed|quench",
    };

    /// <summary>A <c>--agents K</c> option with a command-specific default.</summary>
    public static Option<int> Agents(int defaultValue, string description) => new("--agents")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    // ---- groups ------------------------------------------------------------------------

    /// <summary>Adds <c>--backend</c>, <c>--json</c> and <c>--seed</c>.</summary>
    public static Command WithCommon(this Command c) => c.With(Backend, Json, Seed);

    /// <summary>Adds the generator options.</summary>
    public static Command WithGenerators(this Command c) => c.With(N, SelfSeed, OtherSeed, Pattern);

    /// <summary>Adds every anneal schedule option.</summary>
    public static Command WithAnneal(this Command c) =>
        c.With(Steps, TrialsPerStep, BetaStart, BetaEnd, Adaptive, Acceptance, FloatPrecision, Sweep, EarlyStopWindow, EarlyStopBeta);

    /// <summary>Adds options to a command.</summary>
    public static Command With(this Command c, params Option[] options)
    {
        foreach (var o in options) c.Options.Add(o);
        return c;
    }

    // ---- building library options from a parse result ----------------------------------

    /// <summary>The anneal options given on the command line, validated by the library.</summary>
    public static AnnealOptions AnnealOptionsOf(ParseResult pr)
    {
        // Plain (non-nullable) options keep the parse errors readable; presence is what
        // switches the early stop on.
        int? window = Given(pr, EarlyStopWindow) ? pr.GetValue(EarlyStopWindow) : null;
        double? stopBeta = Given(pr, EarlyStopBeta) ? pr.GetValue(EarlyStopBeta) : null;
        if (window is null && stopBeta is not null)
            throw new CliInputException("--early-stop-beta: needs --early-stop-window W to enable the early stop");

        var options = new AnnealOptions
        {
            Steps = pr.GetValue(Steps),
            TrialsPerStep = pr.GetValue(TrialsPerStep),
            BetaStart = pr.GetValue(BetaStart),
            BetaEnd = pr.GetValue(BetaEnd),
            AdaptiveSteps = pr.GetValue(Adaptive),
            Acceptance = pr.GetValue(Acceptance),
            Precision = pr.GetValue(FloatPrecision),
            SweepOrder = pr.GetValue(Sweep),
            EarlyStop = window is { } w ? new EarlyStop(w, stopBeta ?? 0.0) : null,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            // Name the command-line option, not the library property.
            // EarlyStop's two fields share one parameter name; the message says which.
            var option = ex.Message.Contains(nameof(EarlyStop.BetaThreshold), StringComparison.Ordinal)
                ? "--early-stop-beta"
                : OptionForProperty(ex.ParamName);
            throw new CliInputException($"{option}: {ErrorReporter.Describe(ex)}", ex);
        }
        return options;
    }

    /// <summary>The empathy options (anneal schedule and weights) given on the command line.</summary>
    public static EmpathyOptions EmpathyOptionsOf(ParseResult pr) =>
        new() { Anneal = AnnealOptionsOf(pr), Weights = pr.GetValue(Weights)! };

    /// <summary>Whether <paramref name="option"/> was typed on the command line (not just defaulted).</summary>
    public static bool Given(ParseResult pr, Option option) => pr.GetResult(option) is { Implicit: false };

    private static string OptionForProperty(string? property) => property switch
    {
        nameof(AnnealOptions.Steps) or "steps" => "--steps",
        nameof(AnnealOptions.TrialsPerStep) or "trialsPerStep" => "--trials-per-step",
        nameof(AnnealOptions.BetaStart) or "betaStart" => "--beta-start",
        nameof(AnnealOptions.BetaEnd) or "betaEnd" => "--beta-end",
        nameof(AnnealOptions.EarlyStop) or "Window" or "window" => "--early-stop-window",
        "BetaThreshold" or "betaThreshold" => "--early-stop-beta",
        _ => "anneal options",
    };

    // ---- value parsers -----------------------------------------------------------------

    /// <summary>The command-line name of a backend (the inverse of the <c>--backend</c> parser).</summary>
    public static string NameOf(BackendKind kind) => Array.Find(BackendChoices, c => c.Value == kind).Name ?? kind.ToString();

    private static T ParseChoice<T>(ArgumentResult r, string option, (string Name, T Value)[] choices, T fallback)
    {
        if (r.Tokens.Count == 0) return fallback;
        var text = r.Tokens[^1].Value;
        foreach (var (name, value) in choices)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        var names = choices.Select(c => c.Name).ToArray();
        var nearest = Suggestions.Nearest(text.ToLowerInvariant(), names);
        r.AddError($"{option}: '{text}' is not one of {string.Join('|', names)}; " +
                   (nearest is null ? $"give one of them, e.g. {option} {names[0]}" : $"did you mean {option} {nearest}?"));
        return fallback;
    }

    private static string[]? ParseFileList(ArgumentResult r)
    {
        var files = r.Tokens
            .SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToArray();
        if (files.Length == 0) r.AddError("--others: expected a comma-separated list of system files");
        return files;
    }

    private static EmpathyWeights ParseWeights(ArgumentResult r)
    {
        if (r.Tokens.Count == 0) return EmpathyWeights.Default;
        var text = r.Tokens[^1].Value.Trim();
        if (text.Equals("default", StringComparison.OrdinalIgnoreCase)) return EmpathyWeights.Default;
        if (text.Equals("seed-code", StringComparison.OrdinalIgnoreCase)) return EmpathyWeights.SeedCode;

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4)
        {
            r.AddError($"--weights: '{text}' must be four comma-separated numbers wO,wE,wC,wM");
            return EmpathyWeights.Default;
        }
        var w = new double[4];
        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out w[i]) || !double.IsFinite(w[i]) || w[i] < 0)
            {
                r.AddError($"--weights: '{parts[i]}' is not a finite non-negative number");
                return EmpathyWeights.Default;
            }
        }
        if (w.All(x => x == 0))
        {
            r.AddError("--weights: the weights must not all be zero");
            return EmpathyWeights.Default;
        }
        return new EmpathyWeights(w[0], w[1], w[2], w[3]);
    }
}
