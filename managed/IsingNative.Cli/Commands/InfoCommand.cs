using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using IsingNative.Cli.Infrastructure;

namespace IsingNative.Cli.Commands;

/// <summary>
/// <c>ising info</c>: the backends present, the one <c>auto</c> picks, GPU devices and
/// versions. With an explicit <c>--backend</c> it also proves that backend can be created
/// (exit code 3 when it cannot), which makes it a cheap probe for scripts.
/// </summary>
internal static class InfoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("info", "Backends present, the one auto picks, GPU devices, versions");
        // --seed is accepted (and unused) so that scripts can pass the common options to every command.
        command.WithCommon();
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var requested = pr.GetValue(CliOptions.Backend);
        string? resolved = null;
        if (requested != BackendKind.Auto)
        {
            // Throws BackendUnavailableException (exit 3) when the backend is missing.
            using var engine = IsingEngine.Create(requested);
            resolved = engine.BackendName;
        }

        var all = IsingEngine.DescribeBackends();
        var available = all.Where(b => b.Available).ToArray();
        var autoKind = IsingEngine.AutoChoice;
        var auto = all.FirstOrDefault(b => b.Kind == autoKind)?.Name ?? CliOptions.NameOf(autoKind);
        var devices = available.Where(b => b.Kind == BackendKind.Gpu).ToArray();
        var libraryVersion = VersionOf(typeof(IsingEngine).Assembly);
        var cliVersion = VersionOf(typeof(InfoCommand).Assembly);

        if (pr.GetValue(CliOptions.Json))
        {
            JsonOutput.WriteDocument(w =>
            {
                w.WriteStartArray("backends");
                foreach (var b in available) w.WriteStringValue(b.Name);
                w.WriteEndArray();
                w.WriteString("auto", auto);
                w.WriteStartArray("devices");
                foreach (var d in devices)
                {
                    w.WriteStartObject();
                    w.WriteString("backend", d.Name);
                    w.WriteString("detail", d.Detail);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (resolved is not null) w.WriteString("requested", resolved);
                w.WriteStartArray("allBackends");
                foreach (var b in all)
                {
                    w.WriteStartObject();
                    w.WriteString("name", b.Name);
                    w.WriteBoolean("available", b.Available);
                    w.WriteString("detail", b.Detail);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("libraryVersion", libraryVersion);
                w.WriteString("cliVersion", cliVersion);
                w.WriteString("runtime", RuntimeInformation.FrameworkDescription);
                w.WriteString("os", RuntimeInformation.OSDescription);
                w.WriteString("architecture", RuntimeInformation.ProcessArchitecture.ToString());
                w.WriteNumber("processorCount", Environment.ProcessorCount);
            });
            return ExitCodes.Success;
        }

        HumanOutput.Title("IsingNative");
        HumanOutput.Field("library version", libraryVersion);
        HumanOutput.Field("cli version", cliVersion);
        HumanOutput.Field("runtime", $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores)");
        HumanOutput.Field("auto picks", auto);
        if (resolved is not null) HumanOutput.Field("requested backend", $"{resolved} (available)");
        HumanOutput.Title("Backends");
        foreach (var b in all)
            HumanOutput.Field(b.Name, $"{(b.Available ? "available" : "unavailable")}  {b.Detail}");
        HumanOutput.Title("GPU devices");
        if (devices.Length == 0) HumanOutput.Field("(none)", "");
        foreach (var d in devices) HumanOutput.Field(d.Name, d.Detail);
        return ExitCodes.Success;
    }

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
