using System.Diagnostics;

namespace IsingNative.Build;

/// <summary>
/// The lines a stage printed, for its test counts; held back from the console (then written as one block) when the
/// stage runs beside others.
/// </summary>
public sealed class StageOutput(bool held)
{
    private readonly List<string> _lines = [];

    public bool Held { get; } = held;

    public void Add(string line)
    {
        lock (_lines) _lines.Add(line);
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }
}

/// <summary>A child process failed; the stage (or the verb) that ran it fails with this message.</summary>
public sealed class CommandFailedException(string message) : Exception(message);

/// <summary>
/// Runs child processes with their arguments as given (one argument each, never re-split by a shell), streams
/// their output to the console line by line, and hands every line to the running stage so it can count tests.
/// </summary>
public static class Proc
{
    private static readonly object ConsoleLock = new();
    private static readonly AsyncLocal<StageOutput?> CurrentOutput = new();

    /// <summary>The output of the stage running on this thread (null outside a stage).</summary>
    public static StageOutput? Output
    {
        get => CurrentOutput.Value;
        set => CurrentOutput.Value = value;
    }

    /// <summary>Writes one line to the console and the stage's record.</summary>
    public static void Echo(string line) => Echo(Output, line);

    private static void Echo(StageOutput? output, string line)
    {
        if (output is null || !output.Held) WriteLines([line]);
        output?.Add(line);
    }

    /// <summary>Writes lines to the console as one block.</summary>
    public static void WriteLines(IEnumerable<string> lines)
    {
        lock (ConsoleLock)
        {
            foreach (string line in lines) Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>A log line: a blank line, then "==> message".</summary>
    public static void Log(string message) => Echo($"{Environment.NewLine}==> {message}");

    /// <summary>
    /// Runs <paramref name="file"/> and returns its exit code. <paramref name="show"/> picks the lines that reach the
    /// console and the stage (all by default); <paramref name="env"/> adds variables for this child only.
    /// </summary>
    public static int Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
                          Func<string, bool>? show = null, List<string>? capture = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach ((string k, string v) in env) psi.Environment[k] = v;

        using var p = new Process { StartInfo = psi };
        StageOutput? output = Output;   // the events arrive on other threads
        void OnLine(string? line)
        {
            if (line is null) return;
            if (capture is not null) lock (capture) capture.Add(line);
            if (show is null || show(line)) Echo(output, line);
        }
        p.OutputDataReceived += (_, e) => OnLine(e.Data);
        p.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CommandFailedException($"{file} could not be started: {e.Message}");
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>Runs a command that must succeed: a nonzero exit throws, naming the command and its exit code.</summary>
    public static void Exec(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
                            Func<string, bool>? show = null)
    {
        string[] list = args.ToArray();
        int rc = Run(file, list, env, show);
        if (rc != 0) throw new CommandFailedException($"{file} {string.Join(' ', list)} failed (exit {rc})");
    }

    /// <summary>The output lines of a command that must succeed (not echoed).</summary>
    public static List<string> Capture(string file, params string[] args)
    {
        var lines = new List<string>();
        int rc = Run(file, args, show: _ => false, capture: lines);
        if (rc != 0) throw new CommandFailedException($"{file} {string.Join(' ', args)} failed (exit {rc})");
        return lines;
    }

    /// <summary>Whether an executable of this name is on PATH.</summary>
    public static bool OnPath(string name)
    {
        string[] exts = OperatingSystem.IsWindows() ? [".exe", ".cmd", ".bat", ""] : [""];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            foreach (string ext in exts)
            {
                string f = Path.Combine(dir, name + ext);
                if (File.Exists(f) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(f) & UnixFileMode.UserExecute) != 0))
                    return true;
            }
        }
        return false;
    }
}
