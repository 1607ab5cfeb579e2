using System.ComponentModel;
using System.IO.Compression;
using System.Security.Cryptography;
using LandRegister.Api.Access;
using LandRegister.Api.Docs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace LandRegister.Api.Ledger;

/// <summary>Limits of evidence files, configured under <c>Ledger</c>.</summary>
public sealed class LedgerSettings
{
    /// <summary>Largest evidence file, in bytes (default 20 MiB).</summary>
    public long MaxEvidenceBytes { get; set; } = 20 * 1024 * 1024;

    public static LedgerSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Ledger").Get<LedgerSettings>() ?? new LedgerSettings();
        if (settings.MaxEvidenceBytes is < 1024 or > 1024L * 1024 * 1024)
            throw new InvalidOperationException("Ledger:MaxEvidenceBytes must be between 1 KiB and 1 GiB.");
        return settings;
    }
}

/// <summary>
/// Evidence files of ledger items: uploaded as multipart, typed by their content (PDF, images, office documents; a file
/// whose name says otherwise is refused as disguised), kept in the database with their SHA-256, and served back only as
/// downloads, never rendered by the register.
/// </summary>
public static class LedgerEvidenceApi
{
    public static void MapLedgerEvidence(this RouteGroupBuilder group)
    {
        group.MapPost("/items/{id:long}/evidence", UploadEvidence).WithName(nameof(UploadEvidence)).RequireAuthorization(Permission.EditLedger)
            .TakesFile("The evidence file (part file) and an optional description (part description)", "multipart/form-data").DisableAntiforgery()
            .WithSummary("Upload an evidence file (multipart field 'file', optional 'description'): PDF, image or office document");
        group.MapGet("/items/{id:long}/evidence", ListEvidence).WithName(nameof(ListEvidence)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("The item's evidence files");
        group.MapGet("/evidence/{id:long}", DownloadEvidence).WithName(nameof(DownloadEvidence)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("Download an evidence file (always as an attachment)");
    }

    /// <summary>What a file's first bytes say it is, and the names such a file goes by.</summary>
    sealed record Kind(string MediaType, string[] Extensions);

    static readonly Kind Pdf = new("application/pdf", [".pdf"]);
    static readonly Kind Png = new("image/png", [".png"]);
    static readonly Kind Jpeg = new("image/jpeg", [".jpg", ".jpeg"]);
    static readonly Kind Gif = new("image/gif", [".gif"]);
    static readonly Kind Webp = new("image/webp", [".webp"]);
    static readonly Kind Tiff = new("image/tiff", [".tif", ".tiff"]);
    static readonly Kind Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"]);
    static readonly Kind Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"]);
    static readonly Kind Pptx = new("application/vnd.openxmlformats-officedocument.presentationml.presentation", [".pptx"]);
    static readonly Kind LegacyOffice = new("application/x-ole-storage", [".doc", ".xls", ".ppt", ".wps", ".et"]);
    static readonly Kind[] All = [Pdf, Png, Jpeg, Gif, Webp, Tiff, Docx, Xlsx, Pptx, LegacyOffice];

    static bool Starts(byte[] bytes, params byte[] magic) => bytes.Length >= magic.Length && bytes.AsSpan(0, magic.Length).SequenceEqual(magic);

    /// <summary>The kind of <paramref name="bytes"/> by their content, or null for anything else.</summary>
    static Kind? Sniff(byte[] bytes)
    {
        if (Starts(bytes, "%PDF-"u8.ToArray())) return Pdf;
        if (Starts(bytes, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)) return Png;
        if (Starts(bytes, 0xFF, 0xD8, 0xFF)) return Jpeg;
        if (Starts(bytes, "GIF87a"u8.ToArray()) || Starts(bytes, "GIF89a"u8.ToArray())) return Gif;
        if (Starts(bytes, "RIFF"u8.ToArray()) && bytes.Length >= 12 && bytes.AsSpan(8, 4).SequenceEqual("WEBP"u8)) return Webp;
        if (Starts(bytes, 0x49, 0x49, 0x2A, 0x00) || Starts(bytes, 0x4D, 0x4D, 0x00, 0x2A)) return Tiff;
        if (Starts(bytes, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) return LegacyOffice;
        if (Starts(bytes, 0x50, 0x4B, 0x03, 0x04))
        {
            try
            {
                using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
                var names = zip.Entries.Select(e => e.FullName).ToHashSet();
                if (!names.Contains("[Content_Types].xml")) return null;
                if (names.Contains("word/document.xml")) return Docx;
                if (names.Contains("xl/workbook.xml")) return Xlsx;
                if (names.Contains("ppt/presentation.xml")) return Pptx;
            }
            catch (InvalidDataException) { }
        }
        return null;
    }

    public static async Task<Created<LedgerEvidence>> UploadEvidence(long id, Caller caller, NpgsqlDataSource db, LedgerSettings settings, HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = settings.MaxEvidenceBytes + 64 * 1024;
        await using (var check = await db.OpenConnectionAsync()) await LedgerApi.ItemAsync(check, id, caller);
        if (!http.Request.HasFormContentType)
            throw new ProblemException(415, "Unsupported media type.", "Send the file as multipart/form-data, in a field named 'file'.",
                new Dictionary<string, string[]> { ["file"] = ["expected multipart/form-data"] });
        var form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = settings.MaxEvidenceBytes + 64 * 1024 }, http.RequestAborted);
        var file = form.Files.GetFile("file") ?? throw Problems.Invalid("file", "required: the evidence file, in a multipart field named 'file'");
        var description = form["description"].FirstOrDefault();
        var errors = new FieldErrors();
        LedgerText.Optional(description, "description", 1000, errors);
        var name = Path.GetFileName(file.FileName ?? "");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || !Text.IsPlain(name)) errors.Add("file", "the file needs a plain name of at most 255 characters");
        errors.ThrowIfAny();
        if (file.Length > settings.MaxEvidenceBytes)
            throw new ProblemException(413, "The file is too large.", $"Evidence files are at most {settings.MaxEvidenceBytes} bytes; this one has {file.Length}.",
                new Dictionary<string, string[]> { ["file"] = [$"at most {settings.MaxEvidenceBytes} bytes"] });
        if (file.Length == 0) throw Problems.Invalid("file", "the file is empty");

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, http.RequestAborted);
        var bytes = buffer.ToArray();
        var kind = Sniff(bytes) ?? throw new ProblemException(415, "Not an evidence file.",
            "Evidence is a PDF, an image (PNG, JPEG, GIF, WebP, TIFF) or an office document (docx, xlsx, pptx, or the older doc, xls, ppt), as its content shows.",
            new Dictionary<string, string[]> { ["file"] = ["its content is none of the accepted kinds"] });
        var extension = Path.GetExtension(name).ToLowerInvariant();
        var claimed = All.FirstOrDefault(k => k.Extensions.Contains(extension));
        if (claimed is not null && claimed != kind)
            throw new ProblemException(415, "The file is not what its name says.",
                $"'{name}' is named as {claimed.MediaType} but its content is {kind.MediaType}.",
                new Dictionary<string, string[]> { ["file"] = [$"named {extension}, but the content is {kind.MediaType}"] });

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<LedgerEvidenceRow>($"""
            INSERT INTO ledger_evidence (item_id, file_name, media_type, size_bytes, sha256, content, description, uploaded_by)
            VALUES (@id, @name, @MediaType, @size, @sha256, @bytes, @description, @by)
            RETURNING {LedgerEvidenceRow.Columns}
            """, new { id, name, kind.MediaType, size = (long)bytes.Length, sha256, bytes, description, by = caller.Name });
        return TypedResults.Created($"/api/ledger/evidence/{row.Id}", row.ToContract());
    }

    public static async Task<Ok<ItemList<LedgerEvidence>>> ListEvidence(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await LedgerApi.ItemAsync(conn, id, caller);
        var rows = await conn.QueryAsync<LedgerEvidenceRow>($"SELECT {LedgerEvidenceRow.Columns} FROM ledger_evidence WHERE item_id = @id ORDER BY id", new { id });
        return TypedResults.Ok(new ItemList<LedgerEvidence>(rows.Select(r => r.ToContract()).ToList()));
    }

    sealed record FileRow(string FileName, string MediaType, string Sha256, byte[] Content);

    public static async Task<IResult> DownloadEvidence(
        [Description("The evidence file's id.")] long id, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var file = await conn.QuerySingleOrDefaultAsync<FileRow>($"""
            SELECT v.file_name, v.media_type, v.sha256, v.content FROM ledger_evidence v JOIN ledger_item i ON i.id = v.item_id
            WHERE v.id = @id AND {Caller.InScope("i.zone_code")}
            """, new { id, scope = caller.Scope }) ?? throw Problems.NotFound($"No evidence file has the id {id}.");
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        response.Headers.ETag = $"\"{file.Sha256}\"";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(file.FileName);
        response.Headers.ContentDisposition = disposition.ToString();
        return TypedResults.Bytes(file.Content, file.MediaType);
    }
}
