using Orleans.Serialization;
using Orleans.Storage;

namespace IsingNative.Silo;

/// <summary>
/// The agents' states in Redis: Orleans' binary serializer (the one the wire and the directory
/// storage use, so every double keeps its 8 bytes) as base64 text. The Redis grain storage keeps
/// a state as a string value, and Orleans' default storage serializer is JSON, which does not know
/// the library's types; binary bytes taken for UTF-8 text would not come back unchanged.
/// </summary>
internal sealed class SwarmStateTextSerializer(Serializer serializer) : IGrainStorageSerializer
{
    /// <inheritdoc/>
    public BinaryData Serialize<T>(T? input) => BinaryData.FromString(Convert.ToBase64String(serializer.SerializeToArray(input)));

    /// <inheritdoc/>
    public T Deserialize<T>(BinaryData input) =>
        serializer.Deserialize<T>(Convert.FromBase64String(input.ToString())) ?? throw new InvalidOperationException("a stored agent state deserialized to null");
}
