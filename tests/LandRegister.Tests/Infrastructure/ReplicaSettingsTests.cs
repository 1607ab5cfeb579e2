using LandRegister.Api.Infrastructure;
using Npgsql;

namespace LandRegister.Tests.Infrastructure;

/// <summary>
/// The parts of replica routing that need no standby (the failover drill, <c>make failover-drill</c>, runs the rest on a
/// real primary and standby): which connection finds the primary, and how a consistency token is read.
/// </summary>
public sealed class ReplicaSettingsTests
{
    [Fact]
    public void Several_hosts_find_the_primary_unless_told_otherwise_and_one_host_is_left_as_it_is()
    {
        Assert.Equal("primary", new NpgsqlConnectionStringBuilder(Database.OnPrimary("Host=a:5432,b:5432;Database=r")).TargetSessionAttributes);
        Assert.Equal("read-write", new NpgsqlConnectionStringBuilder(
            Database.OnPrimary("Host=a,b;Target Session Attributes=read-write")).TargetSessionAttributes);
        Assert.Null(new NpgsqlConnectionStringBuilder(Database.OnPrimary("Host=a;Database=r")).TargetSessionAttributes);
    }

    [Theory]
    [InlineData("0/3000D8", 0x3000D8UL)]
    [InlineData("16/B374D848", (0x16UL << 32) | 0xB374D848UL)]
    [InlineData("FFFFFFFF/FFFFFFFF", ulong.MaxValue)]
    public void A_token_is_read_as_postgresql_prints_a_wal_position(string text, ulong position) =>
        Assert.Equal(position, ConsistencyToken.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("3000D8")]
    [InlineData("0/")]
    [InlineData("1/2/3")]
    [InlineData("0/3000D8' OR 1=1 --")]
    [InlineData("100000000/0")]
    [InlineData("G/1")]
    public void Anything_else_is_not_a_token(string text) => Assert.Null(ConsistencyToken.Parse(text));

    [Fact]
    public void A_token_orders_by_position_not_by_text()
    {
        // "0/A0" is after "0/9F" though it sorts before it as text; "1/0" after every "0/…".
        Assert.True(ConsistencyToken.Parse("0/A0") > ConsistencyToken.Parse("0/9F"));
        Assert.True(ConsistencyToken.Parse("1/0") > ConsistencyToken.Parse("0/FFFFFFFF"));
    }
}
