using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace IsingNative.Cluster;

/// <summary>
/// Grain storage in a directory, one file per grain (docs/CLUSTER.md §4), written atomically
/// (temp file, flush, rename), so a silo that stops in the middle of a write leaves the old state
/// or the new one, never a mix. Every silo of a cluster must see the same directory (one machine,
/// or a shared file system); production deployments use a served provider instead
/// (Microsoft.Orleans.Persistence.AdoNet / Redis / AzureStorage). Without a directory it keeps the
/// states in this process's memory (a single-silo run that need not survive the silo).
/// The ETag is a version counter: a write from a stale activation fails with
/// <see cref="InconsistentStateException"/> instead of overwriting a newer state.
/// </summary>
public sealed class DirectorySwarmStorage : IGrainStorage
{
    private readonly string? _directory;
    private readonly Serializer _serializer;
    private readonly ConcurrentDictionary<string, ArrayBufferWriter<byte>> _memory = new();
    private readonly ConcurrentDictionary<string, ArrayBufferWriter<byte>> _buffers = new();
    private readonly ConcurrentDictionary<string, object> _locks = new();

    /// <summary>Creates the storage.</summary>
    /// <param name="directory">The directory (created if missing), or null to keep states in memory.</param>
    /// <param name="serializer">Orleans' serializer (the grain state types are [GenerateSerializer]).</param>
    public DirectorySwarmStorage(string? directory, Serializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        _serializer = serializer;
        if (directory is not null)
        {
            _directory = Path.GetFullPath(directory);
            Directory.CreateDirectory(_directory);
        }
    }

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string name = FileName(stateName, grainId);
        lock (Lock(name))   // the bytes in memory are a buffer a later write reuses
        {
            ReadOnlyMemory<byte> bytes = Load(name);
            if (bytes.IsEmpty)
            {
                grainState.RecordExists = false;
                grainState.ETag = null;
                grainState.State = Activator.CreateInstance<T>();
                return Task.CompletedTask;
            }
            long version = BinaryPrimitives.ReadInt64LittleEndian(bytes.Span);
            grainState.State = _serializer.Deserialize<T>(bytes[8..]);
            grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string name = FileName(stateName, grainId);
        string? etag = grainState.ETag;
        // The file write (and its fsync) runs off the grain's turn, on the thread pool.
        return _directory is null ? Write() : Task.Run(Write);

        Task Write()
        {
            lock (Lock(name))   // per grain: the version check, the write and the rename are one step
            {
                long stored = StoredVersion(name);
                long expected = etag is null ? 0 : long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);
                if (stored != expected)
                    throw new InconsistentStateException($"grain {grainId}: stored version {stored}, this activation read {expected} (another activation wrote since).",
                        stored.ToString(System.Globalization.CultureInfo.InvariantCulture), etag ?? "");
                // A block's checkpoint is megabytes, written every round: each grain state keeps a
                // spare buffer (in memory: the one the write before replaced), so a steady run
                // allocates nothing here, and a write that fails half way leaves the stored bytes.
                var buffer = _buffers.TryRemove(name, out var spare) ? spare : new ArrayBufferWriter<byte>();
                buffer.ResetWrittenCount();
                BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), stored + 1);
                buffer.Advance(8);
                _serializer.Serialize(grainState.State, buffer);
                if (_directory is not null)
                {
                    Store(name, buffer.WrittenSpan);
                    _buffers[name] = buffer;
                }
                else
                {
                    if (_memory.TryGetValue(name, out var replaced)) _buffers[name] = replaced;
                    _memory[name] = buffer;
                }
                grainState.ETag = (stored + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                grainState.RecordExists = true;
            }
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string name = FileName(stateName, grainId);
        lock (Lock(name))
        {
            _buffers.TryRemove(name, out _);
            if (_directory is null) _memory.TryRemove(name, out _);
            else File.Delete(Path.Combine(_directory, name));
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    private object Lock(string name) => _locks.GetOrAdd(name, _ => new object());

    /// <summary>The grain's stored bytes (version, then the state), or empty; under the grain's lock.</summary>
    private ReadOnlyMemory<byte> Load(string name)
    {
        if (_directory is null) return _memory.TryGetValue(name, out var b) ? b.WrittenMemory : default;
        try { return File.ReadAllBytes(Path.Combine(_directory, name)); }
        catch (FileNotFoundException) { return default; }
    }

    /// <summary>The stored version (0: none), reading only its 8 bytes; under the grain's lock.</summary>
    private long StoredVersion(string name)
    {
        if (_directory is null) return _memory.TryGetValue(name, out var b) && b.WrittenCount >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(b.WrittenSpan) : 0;
        Span<byte> version = stackalloc byte[8];
        try
        {
            using var f = new FileStream(Path.Combine(_directory, name), FileMode.Open, FileAccess.Read, FileShare.Read);
            f.ReadExactly(version);
            return BinaryPrimitives.ReadInt64LittleEndian(version);
        }
        catch (FileNotFoundException) { return 0; }
    }

    private void Store(string name, ReadOnlySpan<byte> bytes)
    {
        string path = Path.Combine(_directory!, name);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A file name for the grain: its id with every character outside [A-Za-z0-9.-] escaped.</summary>
    private static string FileName(string stateName, GrainId grainId)
    {
        var sb = new StringBuilder();
        foreach (char c in stateName + "_" + grainId.ToString())
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-') sb.Append(c);
            else sb.Append('_').Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.Append(".state").ToString();
    }
}
