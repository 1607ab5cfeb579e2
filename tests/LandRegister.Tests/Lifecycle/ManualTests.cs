using LandRegister.Api.Lifecycle;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Lifecycle;

public sealed class ManualTests
{
    [Fact]
    public void The_manuals_table_of_transitions_is_the_status_machine()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "api.md"));
        var start = Array.IndexOf(lines, "| from | to | needs |");
        Assert.True(start >= 0, "docs/api.md has no table of transitions");
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|').Select(c => c.Trim().Trim('`')).ToArray())
            .Select(c => (From: c[1], To: c[2])).ToList();
        var manual = StatusMachine.Table.Where(t => !t.ByRun).Select(t => (t.From, t.To)).ToList();
        Assert.Equal(manual.Order(), rows.Order());
    }
}
