using System.Runtime.InteropServices;
using System.Text;

namespace IsingNative;

/// <summary>What a path names, learnt without opening it.</summary>
internal enum FileKind
{
    /// <summary>Nothing at that path (or a dangling link).</summary>
    Missing,
    /// <summary>A regular file (possibly through symbolic links).</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A FIFO (named pipe): opening it for reading blocks until a writer appears.</summary>
    Fifo,
    /// <summary>A character device such as <c>/dev/zero</c>: reads may never end.</summary>
    CharacterDevice,
    /// <summary>A block device.</summary>
    BlockDevice,
    /// <summary>A Unix domain socket.</summary>
    Socket,
    /// <summary>
    /// Not a directory and of length 0, where the type is not known (statx unavailable): an
    /// empty regular file or a FIFO, device or socket, which stat all report as length 0.
    /// Either way it is no system file, and it is refused without being opened.
    /// </summary>
    EmptyOrSpecial,
}

/// <summary>
/// Classifies a path by its metadata alone. A FIFO must never be opened (the open blocks
/// until some writer appears) and a device may never reach end of file, so a reader asks
/// here first. On Linux this is <c>statx(2)</c> found in the already-loaded C library
/// (the structure has one layout on every architecture); elsewhere, or where the kernel
/// lacks statx, <see cref="FileInfo"/> decides, which cannot tell the special kinds apart
/// but reports them, like an empty file, as length 0.
/// </summary>
/// <remarks>
/// In the library, not the command line, because <see cref="IsingSystemFile.Load"/> refuses a
/// directory, FIFO, device or socket without opening it, and an oversized file without reading
/// it (docs/MODEL.md §9, "System files"); the command line probes its other inputs and outputs
/// with it too.
/// </remarks>
internal static unsafe class FileProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int StatxModeOffset = 0x1C, StatxSizeOffset = 0x28, StatxBufferBytes = 256;
    private const int SIfmt = 0xF000, SIfreg = 0x8000, SIfdir = 0x4000, SIfifo = 0x1000, SIfchr = 0x2000,
        SIfblk = 0x6000, SIfsock = 0xC000;

    // statx(dirfd, path, flags, mask, struct statx*): resolved once; null where absent.
    private static readonly delegate* unmanaged<int, byte*, int, uint, byte*, int> Statx = FindStatx();

    /// <summary>The kind of <paramref name="path"/> (symbolic links followed) and, for a regular file, its length.</summary>
    public static (FileKind Kind, long Length) Probe(string path)
    {
        if (Statx != null && TryStatx(path, out var result)) return result;
        return ProbeWithFileInfo(path);
    }

    /// <summary>The kind in words for messages ("a FIFO (named pipe)").</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.EmptyOrSpecial => "empty or not a regular file (a FIFO, device or socket)",
        FileKind.Missing => "missing",
        _ => "a regular file",
    };

    private static bool TryStatx(string path, out (FileKind, long) result)
    {
        result = default;
        // Path.GetFullPath would not help: statx resolves relative paths against the
        // process's working directory exactly as FileInfo does (AT_FDCWD).
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > 4096 || path.Contains('\0')) return false;
        byte* name = stackalloc byte[bytes + 1];
        Encoding.UTF8.GetBytes(path, new Span<byte>(name, bytes));
        name[bytes] = 0;
        byte* buffer = stackalloc byte[StatxBufferBytes];
        new Span<byte>(buffer, StatxBufferBytes).Clear();
        if (Statx(AtFdCwd, name, 0, StatxType | StatxSize, buffer) != 0)
        {
            // ENOENT and friends: let FileInfo decide (it reports missing paths and any
            // error the kernel gives in .NET's own terms); ENOSYS: statx is not there.
            return false;
        }
        int mode = *(ushort*)(buffer + StatxModeOffset);
        long length = *(long*)(buffer + StatxSizeOffset);
        FileKind kind = (mode & SIfmt) switch
        {
            SIfreg => FileKind.Regular,
            SIfdir => FileKind.Directory,
            SIfifo => FileKind.Fifo,
            SIfchr => FileKind.CharacterDevice,
            SIfblk => FileKind.BlockDevice,
            SIfsock => FileKind.Socket,
            _ => FileKind.EmptyOrSpecial,
        };
        result = (kind, kind == FileKind.Regular ? length : 0);
        return true;
    }

    private static (FileKind, long) ProbeWithFileInfo(string path)
    {
        if (Directory.Exists(path)) return (FileKind.Directory, 0);
        var info = new FileInfo(path);
        if (!info.Exists) return (FileKind.Missing, 0);
        long length = info.Length;
        return length > 0 ? (FileKind.Regular, length) : (FileKind.EmptyOrSpecial, 0);
    }

    private static delegate* unmanaged<int, byte*, int, uint, byte*, int> FindStatx()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            // The C library is already loaded into every .NET process on Linux (glibc and
            // musl alike); the main program's handle searches it without naming its file.
            return NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "statx", out var address)
                ? (delegate* unmanaged<int, byte*, int, uint, byte*, int>)address
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
