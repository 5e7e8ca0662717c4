// Command-line options. Parsed by hand: the tool has no NuGet dependencies.
namespace IsingNative.BindingGen;

/// <summary>Everything one run of the generator needs.</summary>
internal sealed record GeneratorOptions
{
    public required string HeaderPath { get; init; }
    public required string OutputPath { get; init; }
    public string Namespace { get; init; } = "IsingNative.Interop";
    public string ClassName { get; init; } = "IsingNativeApi";
    public required string LibraryName { get; init; }
    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];
    public IReadOnlyList<string> Defines { get; init; } = [];
    public bool Check { get; init; }
    public bool Verbose { get; init; }

    public const string Usage = """
        usage: IsingNative.BindingGen --header <file.h> --out <file.generated.cs> [options]

          --header <path>      the C header to bind (required)
          --out <path>         the C# file to write, or to compare with --check (required)
          --namespace <name>   namespace of the generated code (default IsingNative.Interop)
          --class <name>       static class holding constants and functions (default IsingNativeApi)
          --library <name>     native library name for [LibraryImport] (default: header file name)
          -I <dir>             extra include directory (repeatable)
          --define <X[=V]>     preprocessor definition, also -D X (repeatable)
          --check              write nothing; exit 1 if --out differs from what would be generated
          --verbose            print notes about skipped declarations
          --help               this text

        exit codes: 0 ok / up to date, 1 bindings are stale (--check), 2 error.
        libclang is found by probing; set ISINGNATIVE_LIBCLANG to a file to choose one.
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> on a usage error.</summary>
    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        string? header = null, output = null, ns = null, className = null, library = null;
        var includes = new List<string>();
        var defines = new List<string>();
        bool check = false, verbose = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"option {arg} needs a value");
                }
                return args[++i];
            }
            switch (arg)
            {
                case "--header": header = Value(); break;
                case "--out": output = Value(); break;
                case "--namespace": ns = Value(); break;
                case "--class": className = Value(); break;
                case "--library": library = Value(); break;
                case "-I" or "--include": includes.Add(Value()); break;
                case "-D" or "--define": defines.Add(Value()); break;
                case "--check": check = true; break;
                case "--verbose": verbose = true; break;
                default:
                    if (arg.StartsWith("-I", StringComparison.Ordinal) && arg.Length > 2)
                    {
                        includes.Add(arg[2..]);
                        break;
                    }
                    if (arg.StartsWith("-D", StringComparison.Ordinal) && arg.Length > 2)
                    {
                        defines.Add(arg[2..]);
                        break;
                    }
                    throw new ArgumentException($"unknown argument '{arg}'");
            }
        }
        if (header is null || output is null)
        {
            throw new ArgumentException("--header and --out are required");
        }
        return new GeneratorOptions
        {
            HeaderPath = header,
            OutputPath = output,
            Namespace = ns ?? "IsingNative.Interop",
            ClassName = className ?? "IsingNativeApi",
            LibraryName = library ?? Path.GetFileNameWithoutExtension(header),
            IncludeDirectories = includes,
            Defines = defines,
            Check = check,
            Verbose = verbose,
        };
    }
}
