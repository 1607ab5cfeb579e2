using LandRegister.Api.Exports;

namespace LandRegister.Api.Premises;

/// <summary>The premises list as a table (厂房清单), without the footprints.</summary>
static class PremisesExport
{
    public static readonly ExportTable<PremisesFeature> Table = new("premises", "厂房 Premises",
        new("id", "厂房ID", "Premises id", Width: 10),
        new("properties.code", "厂房编号", "Premises code", Width: 16),
        new("properties.zoneCode", "开发区", "Zone", Width: 12),
        new("properties.parcelId", "地块ID", "Parcel id", Width: 10),
        new("properties.parcelCode", "宗地编号", "Parcel code", Width: 18),
        new("properties.parkCode", "园区", "Park", Width: 12),
        new("properties.name", "名称", "Name", Width: 24),
        new("properties.ownerName", "产权人", "Owner", Width: 28),
        new("properties.ownerKind", "产权人类型", "Owner kind", Width: 14),
        new("properties.ownerCreditCode", "统一社会信用代码", "Owner credit code", Width: 22),
        new("properties.floorAreaM2", "建筑面积", "Floor area", "m²", Width: 12),
        new("properties.floors", "层数", "Floors", Width: 8),
        new("properties.builtYear", "建成年份", "Built", Width: 10),
        new("properties.condition", "房屋状况", "Condition", Width: 12),
        new("properties.vacancy", "空置状态", "Vacancy", Width: 14),
        new("properties.vacantFloorAreaM2", "空置面积", "Vacant floor area", "m²", Width: 12),
        new("properties.vacantSince", "空置起始", "Vacant since", Width: 12),
        new("properties.footprintM2", "占地面积", "Footprint", "m²", Width: 12),
        new("properties.createdAt", "登记时间", "Registered at", Width: 20),
        new("properties.updatedAt", "更新时间", "Updated at", Width: 20),
        new("properties.retiredAt", "注销时间", "Retired at", Width: 20));
}
