using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;

namespace LandRegister.Tests.Support;

/// <summary>Workbooks the register writes, as Excel would open them.</summary>
public static class Workbooks
{
    /// <summary>Asserts that <paramref name="workbook"/> is valid Open XML (the SDK's validator: what Excel opens without repair), and returns it open.</summary>
    public static SpreadsheetDocument AssertValid(byte[] workbook)
    {
        var document = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var errors = new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return document;
    }
}
