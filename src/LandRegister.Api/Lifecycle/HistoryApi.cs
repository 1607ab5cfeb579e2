using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Lifecycle;

public static class HistoryApi
{

    public static async Task<Ok<ParcelHistory>> GetHistory(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<HistoryRow>(
            $"SELECT {HistoryRow.Columns} FROM parcel_history WHERE parcel_id = @id AND {Caller.InScope()} ORDER BY version",
            new { id, scope = caller.Scope })).ToList();
        if (rows.Count == 0) throw Problems.NotFound($"No parcel has the id {id}.");
        return TypedResults.Ok(new ParcelHistory(id, rows.Select((r, i) => r.ToEntry(i == 0 ? null : rows[i - 1])).ToList()));
    }

    const string Family = """
        WITH RECURSIVE
        up (id, depth) AS (
            SELECT unnest(parent_ids), 1 FROM parcel WHERE id = @id
            UNION
            SELECT unnest(p.parent_ids), up.depth + 1 FROM parcel p JOIN up ON p.id = up.id),
        down (id, depth) AS (
            SELECT id, 1 FROM parcel WHERE parent_ids @> ARRAY[@id]
            UNION
            SELECT c.id, down.depth + 1 FROM parcel c JOIN down ON c.parent_ids @> ARRAY[down.id])
        SELECT 'up' AS direction, p.id, p.code, f.depth, p.status, p.retired_at FROM up f JOIN parcel p ON p.id = f.id
        UNION ALL
        SELECT 'down', p.id, p.code, f.depth, p.status, p.retired_at FROM down f JOIN parcel p ON p.id = f.id
        ORDER BY 1, 4, 2
        """;

    public static async Task<Ok<Lineage>> GetLineage(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        if (!await conn.ExecuteScalarAsync<bool>(
                $"SELECT EXISTS (SELECT 1 FROM parcel WHERE id = @id AND {Caller.InScope()})", new { id, scope = caller.Scope }))
            throw Problems.NotFound($"No parcel has the id {id}.");
        var family = (await conn.QueryAsync<(string Direction, long Id, string Code, int Depth, string Status, DateTime? RetiredAt)>(Family, new { id })).ToList();
        LineageMember[] Of(string direction) => family.Where(f => f.Direction == direction)
            .Select(f => new LineageMember(f.Id, f.Code, f.Depth, f.Status, f.RetiredAt)).ToArray();
        return TypedResults.Ok(new Lineage(id, Of("up"), Of("down")));
    }
}
