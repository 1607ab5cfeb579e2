using LandRegister.Api.Exports;

namespace LandRegister.Api.Parcels;

/// <summary>The parcel list as a table (宗地清单): every property of the JSON list but the geometry.</summary>
static class ParcelExport
{
    public static readonly ExportTable<ParcelFeature> Table = new("parcels", "宗地 Parcels",
        new("id", "地块ID", "Parcel id", Width: 20),
        new("properties.code", "宗地编号", "Parcel code", Width: 18),
        new("properties.zoneCode", "开发区", "Zone", Width: 12),
        new("properties.parkCode", "园区", "Park", Width: 12),
        new("properties.name", "名称", "Name", Width: 28),
        new("properties.plannedUse", "规划用途", "Planned use", Width: 10),
        new("properties.actualUse", "现状用途", "Actual use", Width: 10),
        new("properties.status", "状态", "Status", Width: 18),
        new("properties.areaMu", "面积", "Area", "亩", Width: 12),
        new("properties.areaM2", "面积", "Area", "m²", Width: 14),
        new("properties.registeredAreaM2", "登记面积", "Registered area", "m²", Width: 14),
        new("properties.constructionStartedOn", "开工日期", "Construction started", Width: 12),
        new("properties.parentIds", "来源地块", "Parent parcels", Width: 20),
        new("properties.createdAt", "登记时间", "Registered at", Width: 20),
        new("properties.updatedAt", "更新时间", "Updated at", Width: 20),
        new("properties.retiredAt", "注销时间", "Retired at", Width: 20),
        new("properties.createdBy", "登记人", "Registered by", Width: 16),
        new("properties.updatedBy", "更新人", "Updated by", Width: 16));
}
