using LandRegister.Api.Exports;

namespace LandRegister.Api.Ledger;

/// <summary>
/// The item list as a table, with the register's codes and links; the ledger's own layout, for filling in and importing
/// back, is <see cref="LedgerTables"/>.
/// </summary>
static class LedgerExport
{
    public static readonly ExportTable<LedgerItem> Items = new("ledger-items", "整改事项 Ledger items",
        new("id", "事项ID", "Item id", Width: 8),
        new("sourceId", "来源ID", "Source id", Width: 8),
        new("zoneCode", "开发区", "Zone", Width: 12),
        new("number", "序号", "Number", Width: 8),
        new("problem", "问题", "Problem", Width: 40),
        new("measures", "整改措施", "Measures", Width: 40),
        new("leadUnit", "责任单位", "Lead unit", Width: 20),
        new("cooperatingUnits", "配合单位", "Cooperating units", Width: 20),
        new("responsiblePerson", "责任人", "Responsible person", Width: 12),
        new("deadline", "完成时限", "Deadline", Width: 12),
        new("longTerm", "长期坚持", "Long term", Width: 8),
        new("category", "类别", "Category", Width: 14),
        new("status", "整改状态", "Status", Width: 14),
        new("overdue", "逾期", "Overdue", Width: 8),
        new("inconsistent", "与登记数据不符", "Inconsistent with the register", Width: 12),
        new("latestProgress", "最新进展", "Latest progress", Width: 40),
        new("parcelIds", "关联地块", "Parcels", Width: 16),
        new("enterpriseCodes", "关联企业", "Enterprises", Width: 22),
        new("premisesIds", "关联厂房", "Premises", Width: 12),
        new("leaseIds", "关联租约", "Leases", Width: 12),
        new("completedBy", "完成人", "Completed by", Width: 12),
        new("updatedAt", "更新时间", "Updated at", Width: 20));
}
