using System.Collections;
using System.Reflection;
using System.Runtime.Loader;

namespace IsingNative.Tests.Support;

/// <summary>
/// The command tree the built <c>ising</c> parses with (IsingNative.Cli.CliRoot.Build), read by
/// reflection: the test project builds the CLI but does not reference it, so ising.dll and its
/// dependencies (System.CommandLine among them) load into a context of their own, resolved from
/// ising.deps.json like the program itself.
/// </summary>
internal static class CliCommandTree
{
    /// <summary>One command: its name, its options' names with their aliases, and its subcommands.</summary>
    internal sealed record Command(string Name, IReadOnlyList<Option> Options, IReadOnlyList<Command> Subcommands)
    {
        /// <summary>This command and every command below it, depth first.</summary>
        public IEnumerable<Command> SelfAndDescendants() => Subcommands.SelectMany(c => c.SelfAndDescendants()).Prepend(this);
    }

    /// <summary>One option: its name, its aliases and whether it applies to the subcommands too.</summary>
    internal sealed record Option(string Name, IReadOnlyList<string> Aliases, bool Recursive);

    private static readonly Lazy<Command> s_root = new(Load);

    /// <summary>The root command.</summary>
    public static Command Root => s_root.Value;

    private static Command Load()
    {
        var context = new CliLoadContext(IsingProcess.CliDll);
        var cli = context.LoadFromAssemblyPath(IsingProcess.CliDll);
        var build = cli.GetType("IsingNative.Cli.CliRoot", throwOnError: true)!
            .GetMethod("Build", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException("IsingNative.Cli.CliRoot", "Build");
        return Describe(build.Invoke(null, null)!);
    }

    private static Command Describe(object command) => new(
        (string)Property(command, "Name"),
        Items(command, "Options").Select(o => new Option(
            (string)Property(o, "Name"),
            ((IEnumerable)Property(o, "Aliases")).Cast<string>().ToArray(),
            (bool)Property(o, "Recursive"))).ToArray(),
        Items(command, "Subcommands").Select(Describe).ToArray());

    private static IEnumerable<object> Items(object target, string property) => ((IEnumerable)Property(target, property)).Cast<object>();

    private static object Property(object target, string name) =>
        target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target)
        ?? throw new MissingMemberException(target.GetType().FullName, name);

    private sealed class CliLoadContext(string mainAssembly) : AssemblyLoadContext("ising", isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName name) =>
            _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string name) =>
            _resolver.ResolveUnmanagedDllToPath(name) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
