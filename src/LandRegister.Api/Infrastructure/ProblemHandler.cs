using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace LandRegister.Api.Infrastructure;

/// <summary>The one place that turns a refused request into RFC 9457 problem details.</summary>
public sealed partial class ProblemHandler(IProblemDetailsService problems, ILogger<ProblemHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            ProblemException p => p,
            BadHttpRequestException b => FromBadRequest(b),
            JsonException j => MalformedJson(j),
            _ when Database.IsTransient(exception) => Unavailable,
            PostgresException pg => PostgresErrors.Translate(pg),
            _ => null,
        };
        if (problem is null || context.Response.HasStarted) return false;
        // The exception handler clears the endpoint; put back the one that refused, so metrics count the answer under it.
        if (context.GetEndpoint() is null && context.Features.Get<IExceptionHandlerFeature>()?.Endpoint is { } refused) context.SetEndpoint(refused);
        if (problem == Unavailable)
        {
            RegisterMetrics.Unavailable.Inc();
            log.LogWarning("{Method} {Path} answered 503: the database is unreachable ({Reason})", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (problem.Status >= 500) log.LogError(exception, "Request failed");

        var details = new ProblemDetails { Status = problem.Status, Title = problem.Title, Detail = problem.Detail };
        if (problem.Errors.Count > 0) details.Extensions["errors"] = problem.Errors;
        foreach (var (key, value) in problem.Extensions) details.Extensions[key] = value;
        context.Response.StatusCode = problem.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    const int RetryAfterSeconds = 5;

    /// <summary>
    /// The database is away (restarting, failing over, out of connections). A read may be sent again in a few seconds; a
    /// change cut off at its very commit may have been recorded, so a client reads before sending a change again (or
    /// sends it with If-Match, which refuses a second application).
    /// </summary>
    static readonly ProblemException Unavailable = new(503, "The register's database is unavailable.",
        $"The database did not answer (it may be restarting or failing over). Retry in {RetryAfterSeconds} s; before repeating a change, read whether it was recorded.",
        new Dictionary<string, string[]> { ["database"] = ["unreachable"] });

    const string TooLarge = "The request body exceeds the configured limit (Limits:MaxBodyBytes; Limits:MaxImportBodyBytes for imports).";

    /// <summary>
    /// Completes every problem the app writes, including those ASP.NET Core writes itself (a body over the
    /// limit is refused by the server before any handler runs).
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var details = context.ProblemDetails;
        details.Instance ??= $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path}";
        details.Type ??= "about:blank";
        if (details.Extensions.ContainsKey("errors")) return;
        if (details.Status == StatusCodes.Status413PayloadTooLarge)
        {
            details.Title = "The request body is too large.";
            details.Detail = TooLarge;
            details.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = ["too large"] };
        }
        else if (details.Status == StatusCodes.Status415UnsupportedMediaType)
        {
            details.Detail = $"This operation does not read {context.HttpContext.Request.ContentType ?? "a body without a Content-Type"}; the API document lists what it reads.";
            details.Extensions["errors"] = new Dictionary<string, string[]> { ["Content-Type"] = ["not accepted here"] };
        }
    }

    static ProblemException FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return new ProblemException(413, "The request body is too large.", TooLarge,
                new Dictionary<string, string[]> { ["body"] = ["too large"] });
        if (exception.InnerException is JsonException json) return MalformedJson(json);
        if (BindFailure().Match(exception.Message) is { Success: true } bad)
            return Problems.BadRequest(Camel(bad.Groups["name"].Value), $"'{bad.Groups["value"].Value}' is not {Form(bad.Groups["type"].Value)}");
        if (MissingParameter().Match(exception.Message) is { Success: true } missing)
            return Problems.BadRequest(Camel(missing.Groups["name"].Value), $"required: {Form(missing.Groups["type"].Value)}");
        if (exception.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || exception.Message.Contains("body was provided", StringComparison.Ordinal))
            return Problems.BadRequest("body", "required: a JSON body (the API document describes it)");
        // Whatever else the framework refuses, in its own words but without its type names.
        return Problems.BadRequest("request", TypeName().Replace(exception.Message, "value"));
    }

    static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>What a parameter of a .NET type looks like, in the words of someone writing a URL, with an example.</summary>
    static string Form(string type) => type.Replace("Nullable<", "").TrimEnd('>', '?') switch
    {
        "DateTimeOffset" or "DateTime" => "an ISO 8601 instant, e.g. 2024-12-31T16:00:00Z",
        "DateOnly" => "a date (yyyy-MM-dd), e.g. 2024-12-31",
        "int" or "Int32" or "long" or "Int64" or "short" => "a whole number, e.g. 2024",
        "double" or "Double" or "decimal" or "Decimal" or "float" => "a number, e.g. 12.5",
        "bool" or "Boolean" => "true or false",
        "Guid" => "a UUID, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "string" or "String" => "a text value",
        "string[]" or "String[]" => "one or more text values",
        _ => "a value of the documented form (see the API document)",
    };

    [GeneratedRegex("""Required parameter "(?<type>[^"]+) (?<name>\w+)" was not provided""")]
    private static partial Regex MissingParameter();

    [GeneratedRegex(@"\b(System\.[\w.`]+|Nullable<\w+>|(Int32|Int64|DateTimeOffset|DateOnly|Boolean|Double|Decimal|String)\b)")]
    private static partial Regex TypeName();

    static ProblemException MalformedJson(JsonException exception)
    {
        var field = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.TrimStart('$', '.');
        // A well-formed date outside the register's range is a value refused, as the same date is where it is read by hand.
        return exception.Message == RegisterDates.OutOfRange
            ? Problems.Invalid(field, RegisterDates.OutOfRange)
            : Problems.BadRequest(field, JsonReason(exception));
    }

    /// <summary>Why System.Text.Json refused a value: an unknown property, a value of the wrong type, or malformed JSON.</summary>
    public static string JsonReason(JsonException exception)
    {
        var mistyped = ConvertFailure().Match(exception.Message);
        if (exception.Message.Contains("could not be mapped", StringComparison.Ordinal)) return "unknown property";
        if (exception.Message == RegisterDates.OutOfRange) return RegisterDates.OutOfRange;
        // A string that is not valid Unicode (an escaped unpaired surrogate, a byte that is not UTF-8) is not a wrong type.
        if (exception.InnerException is InvalidOperationException { Message: var inner }
            && (inner.Contains("UTF-16", StringComparison.Ordinal) || inner.Contains("UTF-8", StringComparison.Ordinal)
                || inner.Contains("transcode", StringComparison.OrdinalIgnoreCase)))
            return UnicodeText.Invalid;
        // The type named is the member's, or (for a record's constructor parameter) the record's; the inner
        // exception says what the reader expected.
        if (mistyped.Success) return $"wrong type: expected {Expected(exception.InnerException?.Message + " " + mistyped.Groups["type"].Value)}";
        return exception.LineNumber is { } line
            ? $"malformed JSON at line {line + 1}, position {exception.BytePositionInLine + 1}"
            : "malformed or mistyped JSON value";
    }

    static string Expected(string type) => type switch
    {
        _ when type.Contains("as a number", StringComparison.Ordinal) || type.Contains("Int", StringComparison.Ordinal)
               || type.Contains("Decimal", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when type.Contains("as a boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("as a string", StringComparison.Ordinal) => "a string",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("DateOnly", StringComparison.Ordinal) => "a date (YYYY-MM-DD)",
        _ when type.Contains("DateTime", StringComparison.Ordinal) => "an ISO 8601 date and time",
        _ when type.Contains("String", StringComparison.Ordinal) => "a string",
        _ => "another type of value",
    };

    [GeneratedRegex(@"could not be converted to (?<type>\S+)\.")]
    private static partial Regex ConvertFailure();

    [GeneratedRegex("""parameter "(?<type>[^"]+) (?<name>\w+)" from "(?<value>[^"]*)""")]
    private static partial Regex BindFailure();
}
