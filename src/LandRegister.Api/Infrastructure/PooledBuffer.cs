using System.Buffers;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Bytes written into arrays rented from the shared pool and given back on dispose: a page of features is written whole
/// before it is sent, and a megabyte allocated per request would go to the large object heap.
/// </summary>
public sealed class PooledBuffer(int capacity = 4096) : IBufferWriter<byte>, IDisposable
{
    byte[] array = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => array.AsMemory(0, Length);

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return array.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return array.AsSpan(Length);
    }

    /// <summary>Makes room for <paramref name="sizeHint"/> bytes (at least one) after those written.</summary>
    void Reserve(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed > array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 2 * array.Length));
            array.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(array);
            array = larger;
        }
    }

    public void Dispose()
    {
        if (array.Length == 0) return;
        ArrayPool<byte>.Shared.Return(array);
        array = [];
        Length = 0;
    }
}
