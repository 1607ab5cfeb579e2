using LandRegister.Api.Exports;

namespace LandRegister.Api.Evaluation;

/// <summary>The year's grades as a table (亩均效益综合评价结果), best first, without the per-indicator points.</summary>
static class EvaluationExport
{
    public static readonly ExportTable<EvaluationResult> Results = new("evaluation-results", "评价结果 Results",
        new("rank", "排名", "Rank", Width: 8),
        new("creditCode", "统一社会信用代码", "Credit code", Width: 22),
        new("name", "企业名称", "Enterprise", Width: 30),
        new("parkCode", "园区", "Park", Width: 12),
        new("class", "评价类别", "Class", Width: 10),
        new("score", "得分", "Score", Width: 10),
        new("landMu", "用地面积", "Land", "亩", Width: 12),
        new("landBasis", "面积口径", "Land basis", Width: 12),
        new("taxWan", "税收", "Tax", "万元", Width: 12),
        new("taxPerMu", "亩均税收", "Tax per mu", "万元/亩", Width: 12),
        new("salesWan", "营业收入", "Sales", "万元", Width: 12),
        new("salesPerMu", "亩均营业收入", "Sales per mu", "万元/亩", Width: 14),
        new("energyTce", "综合能耗", "Energy", "吨标煤", Width: 12),
        new("lowEfficiency", "低效用地", "Low-efficiency land", Width: 10),
        new("holderCode", "土地使用权人", "Land holder", Width: 22),
        new("ranked", "参评企业数", "Enterprises ranked", Width: 10),
        new("note", "备注", "Note", Width: 30));
}
