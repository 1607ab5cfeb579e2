using System.Net;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Access;

/// <summary>Who is asking is settled before what is sent: a request without a key is a 401 whatever its content type.</summary>
public sealed class AuthenticationFirstTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Theory]
    [InlineData("/api/indicators/import")]
    [InlineData("/api/leases/payments/import")]
    [InlineData("/api/ledger/sources/1/import")]
    [InlineData("/api/ledger/items/1/evidence")]
    [InlineData("/api/parcels/import")]
    public async Task An_upload_without_a_key_is_a_401_before_its_content_type_is_judged(string path)
    {
        using var anonymous = app.ClientWithKey(null);
        var response = await anonymous.PostAsync(path, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var keyed = await app.Client.PostAsync(path, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.InternalServerError, keyed.StatusCode);
    }
}
