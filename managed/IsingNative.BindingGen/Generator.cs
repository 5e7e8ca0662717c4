// Orchestrates one run: options → libclang → model → C# text → write or --check.
using IsingNative.BindingGen.Clang;
using IsingNative.BindingGen.Generation;
using IsingNative.BindingGen.Reading;

namespace IsingNative.BindingGen;

internal static class Generator
{
    public const int Ok = 0;
    public const int Stale = 1;
    public const int Failed = 2;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
        {
            Console.Out.Write(GeneratorOptions.Usage);
            return args.Length == 0 ? Failed : Ok;
        }
        GeneratorOptions options;
        try
        {
            options = GeneratorOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            return Fail($"{e.Message}\n\n{GeneratorOptions.Usage}");
        }
        if (!File.Exists(options.HeaderPath))
        {
            return Fail($"header not found: {options.HeaderPath}");
        }
        if (!LibClangLoader.TryLoad(out IReadOnlyList<string> tried))
        {
            return Fail($"libclang not found (tried {string.Join(", ", tried)}). Install libclang " +
                $"(Debian/Ubuntu: apt-get install libclang1-14) or set {LibClangLoader.OverrideVariable} to its path.");
        }

        string generated;
        try
        {
            generated = Generate(options);
        }
        catch (BindingException e)
        {
            return Fail($"{options.HeaderPath}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            return Fail(e.Message);
        }

        return options.Check ? StaleCheck.Compare(options.OutputPath, generated) : Write(options.OutputPath, generated);
    }

    private static unsafe string Generate(GeneratorOptions options)
    {
        using var unit = new TranslationUnit(options.HeaderPath, options.IncludeDirectories, options.Defines);
        foreach (string warning in unit.Warnings)
        {
            Console.Error.WriteLine(warning);
        }
        if (unit.Errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", unit.Errors) +
                $"\n{unit.Errors.Count} error(s) parsing {options.HeaderPath}; nothing generated.");
        }
        Action<string> note = options.Verbose ? m => Console.Error.WriteLine("note: " + m) : _ => { };
        var model = new HeaderReader(unit.Handle, options.HeaderPath, note).Read();
        if (model.Types.Any(t => t.CsName == options.ClassName))
        {
            throw new BindingException($"--class {options.ClassName} clashes with a generated type name");
        }
        return new CSharpEmitter(options, DisplayPath(options.HeaderPath)).Emit(model);
    }

    /// <summary>Writes only when the content changed, so unchanged bindings do not trigger rebuilds.</summary>
    private static int Write(string path, string content)
    {
        byte[] bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            Console.Out.WriteLine($"{path} is up to date");
            return Ok;
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllBytes(path, bytes);
        Console.Out.WriteLine($"wrote {path}");
        return Ok;
    }

    /// <summary>The header's path relative to its git repository (stable whatever the working directory).</summary>
    private static string DisplayPath(string headerPath)
    {
        string full = Path.GetFullPath(headerPath);
        for (string? directory = Path.GetDirectoryName(full); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.Exists(Path.Combine(directory, ".git")) || File.Exists(Path.Combine(directory, ".git")))
            {
                return Path.GetRelativePath(directory, full).Replace('\\', '/');
            }
        }
        return Path.GetFileName(full);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("IsingNative.BindingGen: error: " + message);
        return Failed;
    }
}
