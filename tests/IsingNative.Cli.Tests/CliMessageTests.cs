using IsingNative.Cli.Tests.Support;

namespace IsingNative.Cli.Tests;

/// <summary>
/// What <c>ising</c> says when a command line does not parse, and what its help shows: a bad value
/// names the option, the value and what to type; an unknown option or command gets the nearest known
/// one; help defaults read as they are typed. The built CLI runs as a child process, as a user runs it;
/// the checks over every option parse in process (<see cref="CliCommandTree.ParseError"/>), which is
/// the code the program runs for its one line.
/// </summary>
[TestFixture, Category("Cli"), Parallelizable(ParallelScope.All)]
public class CliMessageTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string Refused(params string[] args)
    {
        var r = IsingProcess.Run(args, Limit);
        Assert.That(r.ExitCode, Is.EqualTo(2), $"exit {r.ExitCode}, expected 2; stderr: {r.StderrHead}");
        Assert.That(r.Stdout, Is.Empty, "wrote to stdout");
        Assert.That(r.Stderr.Count(c => c == '\n'), Is.EqualTo(1), $"expected one line on stderr: {r.StderrHead}");
        Assert.That(r.Stderr, Does.Not.Contain("System."), "a .NET type name reached the user");
        return r.Stderr.TrimEnd();
    }

    [Test]
    public void AWholeNumberOptionNamesItselfTheValueAndAnExample() =>
        Assert.That(Refused("swarm", "--agents", "abc"), Is.EqualTo("ising: --agents: 'abc' is not a whole number; give an integer such as 100"));

    [TestCase("empathy", "--beta-start", "x", "'x' is not a number; give a decimal number such as 0.1")]
    [TestCase("empathy", "--seed", "-1", "'-1' is out of range; give a whole number from 0 to 18446744073709551615")]
    [TestCase("anneal", "--steps", "99999999999", "'99999999999' is out of range; give a whole number from -2147483648 to 2147483647")]
    [TestCase("simulate", "--pre-filter", "2.5", "'2.5' is not a whole number; give an integer such as 1")]
    [TestCase("quick", "--method", "quenh", "'quenh' is not one of seed|quench; did you mean --method quench?")]
    [TestCase("empathy", "--sweep", "diagonal", "'diagonal' is not one of random|sequential; give one of them, e.g. --sweep random")]
    public void ABadValueNamesTheOptionTheValueAndWhatToDo(string command, string option, string value, string expected) =>
        Assert.That(Refused(command, option, value), Is.EqualTo($"ising: {option}: {expected}"));

    /// <summary>Every number and choice option of every command, whoever declared it, words a bad value the same way.</summary>
    [Test]
    public void EveryNumberAndChoiceOptionExplainsABadValue()
    {
        int checkedOptions = 0;
        foreach (var command in CliCommandTree.Root.Subcommands)
        {
            foreach (var option in command.Options)
            {
                var type = Nullable.GetUnderlyingType(option.ValueType!) ?? option.ValueType!;
                string? expected = type == typeof(int) || type == typeof(long) || type == typeof(ulong) ? "'abc' is not a whole number; give an integer such as "
                    : type == typeof(double) ? "'abc' is not a number; give a decimal number such as "
                    : type.IsEnum ? "'abc' is not one of "
                    : null;
                if (expected is null) continue;
                // The other required options are given: a missing one is reported first.
                var required = command.Options.Where(o => o.Required && o != option).SelectMany(o => new[] { o.Name, "1" });
                string? message = CliCommandTree.ParseError([command.Name, .. required, option.Name, "abc"]);
                Assert.That(message, Does.StartWith($"{option.Name}: {expected}"), $"ising {command.Name} {option.Name} abc");
                checkedOptions++;
            }
        }
        Assert.That(checkedOptions, Is.GreaterThan(50), "the tree has number and choice options on every command");
    }

    [TestCase(new[] { "swarm", "--agentz", "5" }, "ising: --agentz: not an option of ising swarm; did you mean --agents?")]
    [TestCase(new[] { "simulate", "--nieghbours", "2" }, "ising: --nieghbours: not an option of ising simulate; did you mean --neighbours?")]
    [TestCase(new[] { "empathy", "--hlep" }, "ising: --hlep: not an option of ising empathy; did you mean --help?")]
    [TestCase(new[] { "swarn" }, "ising: swarn: not a command of ising; did you mean ising swarm?")]
    [TestCase(new[] { "valdiate" }, "ising: valdiate: not a command of ising; did you mean ising validate?")]
    public void AnUnknownNameGetsTheNearestKnownOne(string[] args, string expected) =>
        Assert.That(Refused(args), Is.EqualTo(expected));

    [TestCase(new[] { "empathy", "--frobnicate" }, "ising: --frobnicate: not an option of ising empathy; ising empathy --help lists its options")]
    [TestCase(new[] { "frobnicate" }, "ising: frobnicate: not a command of ising; ising --help lists the commands")]
    public void AnUnknownNameFarFromEveryKnownOnePointsToHelp(string[] args, string expected) =>
        Assert.That(Refused(args), Is.EqualTo(expected));

    [TestCase(new[] { "sample", "--samples", "5" }, "ising: --beta: ising sample needs it; give it as --beta B (ising sample --help describes it)")]
    [TestCase(new string[0], "ising: no command given; give one of info, energy, empathy, quick, social, swarm, simulate, anneal, sample, validate, bench (ising --help describes them)")]
    [TestCase(new[] { "swarm", "7" }, "ising: 7: ising swarm takes options only, not bare values (a value follows its option, as in --seed 7); ising swarm --help lists them")]
    public void SomethingMissingOrStraySaysWhatToGive(string[] args, string expected) =>
        Assert.That(Refused(args), Is.EqualTo(expected));

    [Test]
    public void HelpShowsDefaultsAsTheyAreTyped()
    {
        var r = IsingProcess.Run(["empathy", "--help"], Limit);
        Assert.That(r.ExitCode, Is.Zero, r.StderrHead);
        Assert.That(r.Stdout, Does.Contain("[default: 0.4,0.3,0.3,0.0]"), "--weights");
        Assert.That(r.Stdout, Does.Contain("[default: auto]"), "--backend");
        Assert.That(r.Stdout, Does.Contain("[default: metropolis]"), "--acceptance");
        Assert.That(r.Stdout, Does.Contain("[default: seed]"), "--pattern");
        Assert.That(r.Stdout, Does.Not.Contain("EmpathyWeights"));
        Assert.That(r.Stdout, Does.Not.Match(@"\[default: [A-Z]"), "an enum member's .NET name");
    }

    [Test]
    public void EveryDefaultInEveryCommandsHelpIsTypable()
    {
        foreach (var command in CliCommandTree.Root.Subcommands)
        {
            var r = IsingProcess.Run([command.Name, "--help"], Limit);
            Assert.That(r.ExitCode, Is.Zero, $"ising {command.Name} --help: {r.StderrHead}");
            foreach (System.Text.RegularExpressions.Match shown in System.Text.RegularExpressions.Regex.Matches(r.Stdout, @"\[default: ([^\]]*)\]"))
                Assert.That(shown.Groups[1].Value, Does.Match(@"^[a-z0-9.,\-]+$"), $"ising {command.Name} --help shows {shown.Value}");
        }
    }
}
