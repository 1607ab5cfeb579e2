using LandRegister.Api.Lifecycle;
using LandRegister.Api.Enterprises;
using static LandRegister.Api.Parcels.ParcelStatus;

namespace LandRegister.Tests.Lifecycle;

public sealed class StatusMachineTests
{
    [Theory]
    [InlineData(RawLand, CleanLand, TransitionNeeds.CleanLandChecklist)]
    [InlineData(CleanLand, Supplied, TransitionNeeds.SupplyRecord)]
    [InlineData(Supplied, CleanLand, TransitionNeeds.ApprovalRef)]
    [InlineData(Supplied, UnderConstruction, TransitionNeeds.Nothing)]
    [InlineData(UnderConstruction, InUse, TransitionNeeds.Nothing)]
    [InlineData(Idle, Revitalizing, TransitionNeeds.Method)]
    [InlineData(LowEfficiency, Revitalizing, TransitionNeeds.Method)]
    [InlineData(Revitalizing, Revitalized, TransitionNeeds.Method)]
    [InlineData(Revitalized, CleanLand, TransitionNeeds.ApprovalRef | TransitionNeeds.CleanLandChecklist)]
    [InlineData(InUse, LowEfficiency, TransitionNeeds.Designation)] // the bureau's own finding
    [InlineData(InUse, Idle, TransitionNeeds.VacantSince)] // a building unused on completion
    [InlineData(InUse, Revitalizing, TransitionNeeds.Method)]
    [InlineData(InUse, RawLand, TransitionNeeds.ApprovalRef)] // 收储, or demolished for relisting
    [InlineData(LowEfficiency, RawLand, TransitionNeeds.ApprovalRef)]
    [InlineData(Idle, RawLand, TransitionNeeds.ApprovalRef)]
    public void A_person_may_make_these_transitions_with_what_they_need(string from, string to, TransitionNeeds needs)
    {
        Assert.True(StatusMachine.TryManual(from, to, out var actual));
        Assert.Equal(needs, actual);
        Assert.Contains(to, StatusMachine.AllowedTargets(from));
    }

    [Theory]
    [InlineData(RawLand, Supplied)] // 禁止毛地出让
    [InlineData(InUse, Supplied)]
    [InlineData(Revitalized, LowEfficiency)] // the evaluation never undoes revitalization
    [InlineData(Supplied, Idle)] // set by the idle-land run
    [InlineData(UnderConstruction, LowEfficiency)]
    [InlineData(RawLand, RawLand)]
    [InlineData(Revitalizing, InUse)]
    public void These_are_not_for_a_person_to_make(string from, string to) =>
        Assert.False(StatusMachine.TryManual(from, to, out _));

    [Fact]
    public void By_hand_low_efficiency_and_idle_are_reached_only_from_in_use_with_their_evidence()
    {
        Assert.All(StatusMachine.Table.Where(t => !t.ByRun && t.To is LowEfficiency or Idle),
            t => Assert.True(t.From == InUse && t.Needs is TransitionNeeds.Designation or TransitionNeeds.VacantSince, $"{t.From} -> {t.To}"));
        Assert.True(StatusMachine.IsAutomatic(InUse, LowEfficiency));
        Assert.True(StatusMachine.IsAutomatic(Supplied, Idle));
        Assert.False(StatusMachine.IsLegal(Revitalized, LowEfficiency));
        Assert.False(StatusMachine.IsLegal(Revitalizing, LowEfficiency));
        Assert.Equal([CleanLand], StatusMachine.AllowedTargets(RawLand));
    }

    [Fact]
    public void Land_going_back_to_the_government_ends_its_supply() =>
        Assert.All(StatusMachine.Table.Where(t => t.To is RawLand or CleanLand), t => Assert.True(StatusMachine.EndsSupply(t.To)));

    [Fact]
    public void Supply_is_reached_by_hand_only_from_clean_land_and_by_a_run_only_back_from_idle()
    {
        Assert.Equal([CleanLand], StatusMachine.Table.Where(t => t.To == Supplied && !t.ByRun).Select(t => t.From));
        Assert.Equal([Idle], StatusMachine.Table.Where(t => t.To == Supplied && t.ByRun).Select(t => t.From));
    }
}

public sealed class CreditCodeTests
{
    [Theory]
    [InlineData("91350100M000100Y43")]
    [InlineData("91110000600037341L")]
    [InlineData("911100001000079554")]
    public void Published_codes_pass(string code) => Assert.True(CreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y44")] // wrong check character
    [InlineData("91320000134784613J")] // should end in K
    [InlineData("91350100M000100Y4")] // 17 characters
    [InlineData("91350100I000100Y43")] // I is not in the alphabet
    [InlineData("91350100m000100Y43")] // lower case
    public void Other_codes_fail(string code) => Assert.False(CreditCode.IsValid(code));

    [Fact]
    public void The_check_character_follows_GB_32100() =>
        Assert.Equal('K', CreditCode.CheckCharacter("91320000134784613"));
}
