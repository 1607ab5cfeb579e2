using LandRegister.Api.Exports;

namespace LandRegister.Api.Leases;

/// <summary>The lease list (租赁台账) and the lessees' arrears by age (欠租账龄) as tables.</summary>
static class LeaseExport
{
    public static readonly ExportTable<Lease> Leases = new("leases", "租赁 Leases",
        new("id", "租约ID", "Lease id", Width: 8),
        new("zoneCode", "开发区", "Zone", Width: 12),
        new("parcelCode", "宗地编号", "Parcel code", Width: 18),
        new("premisesCode", "厂房编号", "Premises code", Width: 14),
        new("parkCode", "园区", "Park", Width: 12),
        new("areaM2", "租赁面积", "Area", "m²", Width: 12),
        new("lessorName", "出租人", "Lessor", Width: 24),
        new("lesseeName", "承租人", "Lessee", Width: 28),
        new("lesseeCreditCode", "统一社会信用代码", "Lessee credit code", Width: 22),
        new("useCode", "租赁用途", "Use", Width: 10),
        new("plannedUse", "规划用途", "Planned use", Width: 10),
        new("useMismatch", "用途不符", "Use mismatch", Width: 8),
        new("startsOn", "起租日", "Starts on", Width: 12),
        new("endsOn", "到期日", "Ends on", Width: 12),
        new("rentBasis", "计租方式", "Rent basis", Width: 12),
        new("rent", "租金", "Rent", Width: 12),
        new("monthlyRentYuan", "月租金", "Monthly rent", "元", Width: 12),
        new("schedule", "付款周期", "Schedule", Width: 10),
        new("depositYuan", "押金", "Deposit", "元", Width: 12),
        new("rentFreeMonths", "免租期", "Rent-free months", "月", Width: 8),
        new("escalationPct", "递增率", "Escalation", "%", Width: 8),
        new("contractRef", "合同编号", "Contract", Width: 16),
        new("status", "状态", "Status", Width: 10),
        new("stoppedOn", "终止日", "Stopped on", Width: 12),
        new("stopReason", "终止原因", "Stop reason", Width: 20),
        new("owedYuan", "欠缴", "Owed", "元", Width: 12));

    public static readonly ExportTable<Arrears.LesseeArrears> Arrears = new("arrears", "欠租 Arrears",
        new("lesseeName", "承租人", "Lessee", Width: 28),
        new("lesseeCreditCode", "统一社会信用代码", "Lessee credit code", Width: 22),
        new("leaseIds", "租约", "Leases", Width: 12),
        new("lessors", "出租人", "Lessors", Width: 24),
        new("parks", "园区", "Parks", Width: 12),
        new("oldestDueOn", "最早应缴日", "Oldest due on", Width: 12),
        new("missedInstalments", "逾期分期笔数", "Missed instalments", Width: 10),
        new("owed.days0To30", "30天以内", "0-30 days", "元", Width: 12),
        new("owed.days31To90", "31-90天", "31-90 days", "元", Width: 12),
        new("owed.days91To180", "91-180天", "91-180 days", "元", Width: 12),
        new("owed.days181To365", "181-365天", "181-365 days", "元", Width: 12),
        new("owed.over365", "1年以上", "Over a year", "元", Width: 12),
        new("owed.totalYuan", "合计", "Total", "元", Width: 14));
}
