namespace IsingNative;

/// <summary>Base of every exception the library throws for reasons other than bad arguments.</summary>
public class IsingException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public IsingException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public IsingException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>
/// A system file or JSON document is malformed (the command line's exit code 2). The
/// message names the file and what is wrong. Bad method arguments throw
/// <see cref="ArgumentException"/> instead.
/// </summary>
public sealed class IsingInputException : IsingException
{
    /// <summary>Creates the exception with a message.</summary>
    public IsingInputException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public IsingInputException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>
    /// For an unknown key in a system file, the message without the library's advice
    /// (which names <c>lenient: true</c>), so a front end can give its own (<c>--lenient</c>).
    /// </summary>
    internal string? WithoutAdvice { get; init; }
}

/// <summary>The requested backend is not available on this machine (the command line's exit code 3).</summary>
public sealed class BackendUnavailableException : IsingException
{
    /// <summary>Creates the exception for a backend.</summary>
    public BackendUnavailableException(BackendKind backend, string message) : base(message) => Backend = backend;

    /// <summary>Creates the exception with the reason alone (what was probed, what the loader or device said) beside the full message.</summary>
    public BackendUnavailableException(BackendKind backend, string message, string reason) : base(message)
    {
        Backend = backend;
        Reason = reason;
    }

    /// <summary>The backend that was requested.</summary>
    public BackendKind Backend { get; }

    /// <summary>Why it is unavailable, without advice (for front ends that phrase their own), or null.</summary>
    public string? Reason { get; }
}

/// <summary>A native backend reported a failure (a status code and its message).</summary>
public sealed class NativeBackendException : IsingException
{
    /// <summary>Creates the exception from a native status code and message.</summary>
    public NativeBackendException(int status, string message) : base(message) => Status = status;

    /// <summary>The native library's status code.</summary>
    public int Status { get; }
}

/// <summary>
/// A system a call was reading was mutated by another thread while the call ran, so what the
/// call read may mix two states: the result was discarded (docs/MANAGED-API.md, "Threads").
/// Nothing is returned; output spans the call was given may hold partial values. Calling again
/// reads the system's state after the mutation.
/// </summary>
public sealed class SystemModifiedException : IsingException
{
    /// <summary>Creates the exception for one argument of one operation.</summary>
    /// <param name="argument">The argument that changed ("other", "agents[3]", "member 2").</param>
    /// <param name="operation">The call that read it ("Empathy", "AgentSet.EmpathyMatrix").</param>
    /// <param name="innerException">What the call reported when the torn state made it fail, or null.</param>
    public SystemModifiedException(string argument, string operation, Exception? innerException = null)
        : base($"{argument} was modified by another thread during {operation}; the result was discarded.", innerException)
    {
        Argument = argument;
        Operation = operation;
    }

    /// <summary>The argument that changed, as named in the message.</summary>
    public string Argument { get; }

    /// <summary>The operation that was reading it.</summary>
    public string Operation { get; }
}
