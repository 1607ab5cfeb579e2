using LandRegister.Api.Exports;

namespace LandRegister.Api.IdleLand;

/// <summary>The latest idle-land findings as a table (闲置土地清单): the parcel, the clock, the fee and the holder.</summary>
static class IdleLandExport
{
    public static readonly ExportTable<IdleLandFinding> Findings = new("idle-land", "闲置土地 Idle land",
        new("parcelId", "地块ID", "Parcel id", Width: 12),
        new("parcelCode", "宗地编号", "Parcel code", Width: 18),
        new("parkCode", "园区", "Park", Width: 12),
        new("rule", "认定依据", "Rule", Width: 26),
        new("clockFrom", "起算日期", "Clock from", Width: 12),
        new("daysSinceClockStart", "起算至今天数", "Days since clock start", "天", Width: 12),
        new("daysIdle", "闲置天数", "Days idle", "天", Width: 10),
        new("exemptDays", "政府原因扣除天数", "Exempt days", "天", Width: 12),
        new("reclaimable", "可无偿收回", "Reclaimable", Width: 10),
        new("feeWan", "闲置费", "Idle fee", "万元", Width: 12),
        new("holderName", "土地使用权人", "Holder", Width: 28),
        new("holderCreditCode", "统一社会信用代码", "Holder credit code", Width: 22),
        new("missing", "缺少数据", "Missing figures", Width: 24));
}
