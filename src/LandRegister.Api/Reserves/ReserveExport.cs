using LandRegister.Api.Exports;

namespace LandRegister.Api.Reserves;

/// <summary>The reserve blocks (集中连片净地) and the available-land search as tables.</summary>
static class ReserveExport
{
    public static readonly ExportTable<ReserveBlockFeature> Blocks = new("reserve-blocks", "连片净地 Reserve blocks",
        new("properties.blockId", "地块组编号", "Block", Width: 16),
        new("properties.zoneCode", "开发区", "Zone", Width: 12),
        new("properties.areaMu", "面积", "Area", "亩", Width: 12),
        new("properties.areaM2", "面积", "Area", "m²", Width: 14),
        new("properties.parcelCount", "宗地数", "Parcels", "个", Width: 10),
        new("properties.parcelCodes", "宗地编号", "Parcel codes", Width: 40),
        new("properties.parkCodes", "园区", "Parks", Width: 16),
        new("properties.landUses", "用途", "Land uses", Width: 14),
        new("properties.gapM", "连片间距", "Gap", "m", Width: 10));

    public static readonly ExportTable<AvailableFeature> AvailableLand = new("available-land", "可用土地 Available land",
        new("id", "编号", "Id", Width: 16),
        new("properties.kind", "类型", "Kind", Width: 10),
        new("properties.zoneCode", "开发区", "Zone", Width: 12),
        new("properties.distanceKm", "距离", "Distance", "km", Width: 10),
        new("properties.areaMu", "面积", "Area", "亩", Width: 12),
        new("properties.areaM2", "面积", "Area", "m²", Width: 14),
        new("properties.parcelCodes", "宗地编号", "Parcel codes", Width: 36),
        new("properties.parkCodes", "园区", "Parks", Width: 16),
        new("properties.landUses", "用途", "Land uses", Width: 14),
        new("properties.premisesCode", "厂房编号", "Premises", Width: 16),
        new("properties.floorAreaM2", "建筑面积", "Floor area", "m²", Width: 12),
        new("properties.vacantFloorAreaM2", "空置面积", "Vacant floor area", "m²", Width: 12),
        new("properties.vacancy", "空置状态", "Vacancy", Width: 14),
        new("properties.vacantSince", "空置起始", "Vacant since", Width: 12),
        new("properties.condition", "房屋状况", "Condition", Width: 12),
        new("properties.ownerName", "产权人", "Owner", Width: 28),
        new("properties.ownerKind", "产权人类型", "Owner kind", Width: 12));
}
