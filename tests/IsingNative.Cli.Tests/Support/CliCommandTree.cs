using System.Collections;
using System.Reflection;
using System.Runtime.Loader;

namespace IsingNative.Cli.Tests.Support;

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

    /// <summary>One option: its name, its aliases, whether it applies to the subcommands too, its value type, whether it must be given.</summary>
    internal sealed record Option(string Name, IReadOnlyList<string> Aliases, bool Recursive, Type? ValueType = null, bool Required = false);

    private static readonly Lazy<Assembly> s_cli = new(() => new CliLoadContext(IsingProcess.CliDll).LoadFromAssemblyPath(IsingProcess.CliDll));
    private static readonly Lazy<Command> s_root = new(() => Describe(BuildRoot()));

    /// <summary>The root command.</summary>
    public static Command Root => s_root.Value;

    /// <summary>
    /// The line <c>ising ARGS</c> prints after "ising: " when ARGS do not parse (ParseErrors.Describe, in
    /// process), or null when they parse.
    /// </summary>
    public static string? ParseError(params string[] args)
    {
        object root = BuildRoot();
        var parse = root.GetType().GetMethods().Single(m => m.Name == "Parse" && m.GetParameters() is [{ ParameterType: var p }, _] && p == typeof(IReadOnlyList<string>));
        object parsed = parse.Invoke(root, [args, null])!;
        if (((ICollection)Property(parsed, "Errors")).Count == 0) return null;
        var describe = s_cli.Value.GetType("IsingNative.Cli.Infrastructure.ParseErrors", throwOnError: true)!
            .GetMethod("Describe", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
        return (string)describe.Invoke(null, [parsed])!;
    }

    /// <summary>Calls the static method <paramref name="method"/> of the CLI's type <paramref name="type"/> (internal ones too).</summary>
    public static object? CallStatic(string type, string method, params object?[] args)
    {
        var target = s_cli.Value.GetType(type, throwOnError: true)!
            .GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException(type, method);
        return target.Invoke(null, args);
    }

    /// <summary>A public property of an object of the CLI's.</summary>
    public static object Property(object target, string name) =>
        target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target)
        ?? throw new MissingMemberException(target.GetType().FullName, name);

    private static object BuildRoot()
    {
        var build = s_cli.Value.GetType("IsingNative.Cli.CliRoot", throwOnError: true)!
            .GetMethod("Build", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException("IsingNative.Cli.CliRoot", "Build");
        return build.Invoke(null, null)!;
    }

    private static Command Describe(object command) => new(
        (string)Property(command, "Name"),
        Items(command, "Options").Select(o => new Option(
            (string)Property(o, "Name"),
            ((IEnumerable)Property(o, "Aliases")).Cast<string>().ToArray(),
            (bool)Property(o, "Recursive"),
            (Type)Property(o, "ValueType"),
            (bool)Property(o, "Required"))).ToArray(),
        Items(command, "Subcommands").Select(Describe).ToArray());

    private static IEnumerable<object> Items(object target, string property) => ((IEnumerable)Property(target, property)).Cast<object>();


    private sealed class CliLoadContext(string mainAssembly) : AssemblyLoadContext("ising", isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName name) =>
            _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string name) =>
            _resolver.ResolveUnmanagedDllToPath(name) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
