using System.Globalization;
using System.Text;

namespace ControlPlane.Web.Components;

/// <summary>
/// RFC 4180 CSV for exports: fields quoted when they hold a comma, quote or line break; text that a spreadsheet
/// would run as a formula (=, +, -, @ at the start) is prefixed with an apostrophe.
/// </summary>
public sealed class Csv
{
    private readonly StringBuilder _text = new();

    public Csv Row(params object?[] fields)
    {
        _text.AppendJoin(',', fields.Select(Field));
        _text.Append("\r\n");
        return this;
    }

    public override string ToString() => _text.ToString();

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            decimal d => d.ToString("0.####", CultureInfo.InvariantCulture),
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (value is string && text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal))
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
