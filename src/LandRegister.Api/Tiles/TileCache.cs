using Microsoft.Extensions.Caching.Memory;

namespace LandRegister.Api.Tiles;

/// <summary>A built tile (empty: no feature) and its ETag.</summary>
public sealed record BuiltTile(byte[] Bytes, string ETag);

/// <summary>
/// Tiles of the present this instance has built, served with no database round trip: each is dropped as soon as the
/// database announces a change to its layer's table whose extent touches the tile (with its buffer), and all are
/// dropped when the announcements may have been missed (<see cref="RegisterChanges.Lost"/>). A tile built while a
/// change it shows was being announced is not kept: <see cref="Keep"/> compares the changes announced since
/// <see cref="Begin"/>, which is taken before the tile's rows are read. Entries live in the shared memory cache, so the
/// configured size bounds them with every other tile.
/// </summary>
public sealed class TileCache
{
    /// <summary>How many recent changes are remembered for tiles being built; a build that outlasts more is not kept.</summary>
    const int Remembered = 1024;

    readonly IMemoryCache memory;
    readonly RegisterChanges changes;
    readonly Lock gate = new();
    readonly Dictionary<string, Entry> entries = [];
    readonly Queue<(long Sequence, RegisterChange Change)> recent = new();
    long sequence;

    sealed record Entry(string Table, double[] Box);

    /// <summary>When a tile's reading began: the listener's epoch and the last change announced.</summary>
    public readonly record struct Mark(long Epoch, long Sequence);

    public TileCache(IMemoryCache memory, RegisterChanges changes)
    {
        (this.memory, this.changes) = (memory, changes);
        changes.Changed += Forget;
        changes.Lost += ForgetAll;
    }

    public Mark Begin()
    {
        lock (gate) return new Mark(changes.Epoch, sequence);
    }

    /// <summary>The kept tile under <paramref name="key"/>, if the announcements are being heard.</summary>
    public BuiltTile? Find(string key) => changes.Epoch >= 0 && memory.TryGetValue(key, out BuiltTile? tile) ? tile : null;

    /// <summary>
    /// Keeps a tile of <paramref name="table"/>'s rows covering <paramref name="box"/> (degrees), read after
    /// <paramref name="mark"/>, unless a change announced since then may touch it or the announcements were interrupted.
    /// </summary>
    public void Keep(string key, string table, double[] box, BuiltTile tile, Mark mark)
    {
        lock (gate)
        {
            if (mark.Epoch < 0 || mark.Epoch != changes.Epoch) return;
            if (sequence - mark.Sequence > recent.Count) return;
            if (recent.Any(r => r.Sequence > mark.Sequence && r.Change.Table == table && r.Change.Touches(box))) return;
            var entry = new Entry(table, box);
            var options = new MemoryCacheEntryOptions { Size = tile.Bytes.Length + key.Length * 2 + 128 };
            options.RegisterPostEvictionCallback((k, _, _, state) =>
            {
                lock (gate) if (entries.TryGetValue((string)k, out var e) && ReferenceEquals(e, state)) entries.Remove((string)k);
            }, entry);
            memory.Set(key, tile, options);
            // The cache refuses an entry larger than its whole size; only what it holds is indexed.
            if (memory.TryGetValue(key, out _)) entries[key] = entry;
        }
    }

    void Forget(RegisterChange change)
    {
        lock (gate)
        {
            recent.Enqueue((++sequence, change));
            while (recent.Count > Remembered) recent.Dequeue();
            foreach (var (key, entry) in entries.Where(e => e.Value.Table == change.Table && change.Touches(e.Value.Box)).ToList())
            {
                entries.Remove(key);
                memory.Remove(key);
            }
        }
    }

    void ForgetAll()
    {
        lock (gate)
        {
            foreach (var key in entries.Keys) memory.Remove(key);
            entries.Clear();
            recent.Clear();
        }
    }
}
