using LandRegister.Testing;

namespace LandRegister.Tests.Support;

/// <summary>The API in a process of its own, built with this test project, with the tests' admin key.</summary>
public static class TestApi
{
    static string Dll => Path.Combine(AppContext.BaseDirectory, "LandRegister.Api.dll");

    public static Task<ApiProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings, int? port = null) =>
        ApiProcess.StartAsync(Dll, connectionString, RegisterApp.AdminKey, settings, port);
}
