using System.Globalization;
using System.Linq;
using System.Text;
using NodaTime;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>
/// The trigger form of a pipeline with typed parameters, generated from its <see cref="RunParameterSet"/>: one field per
/// member with its type (number with range, date, true/false, enum choices, a pattern, comma-separated lists), its default
/// and its description. The browser checks what HTML can; the server checks everything again with the runtime's own
/// validator and the form lists its sentences. Fields are named <c>param:Name</c>, so no member name clashes with
/// <c>logicalDate</c>.
/// </summary>
internal static class TriggerForm
{
    public const string ParameterPrefix = "param:";

    public static string Html(PipelineDefinition pipeline, RunParameterSet parameters, string action, string runUrlPrefix, LocalDate today)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<form class=\"pipelines-trigger-form well\" hidden action=\"{E(action)}\" data-run-url=\"{E(runUrlPrefix)}\">");
        html.Append("<div class=\"form-group\"><label for=\"pipelines-logical-date\">Logical date</label>");
        html.Append(CultureInfo.InvariantCulture, $"<input class=\"form-control\" type=\"date\" id=\"pipelines-logical-date\" name=\"logicalDate\" value=\"{today:yyyy-MM-dd}\" required></div>");
        foreach (var parameter in parameters.Parameters) Field(html, parameter);
        html.Append("<ul class=\"pipelines-trigger-errors text-danger\"></ul>");
        html.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"btn btn-primary pipelines-trigger-submit\" disabled>Trigger {E(pipeline.Id)}</button></form>");
        html.Append(Script);
        return html.ToString();
    }

    private static void Field(StringBuilder html, RunParameter parameter)
    {
        var id = "pipelines-param-" + parameter.Name;
        var name = ParameterPrefix + parameter.Name;
        var required = parameter.Required && parameter.Default is null ? " required" : "";
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"form-group\" data-parameter=\"{E(parameter.Name)}\"><label for=\"{E(id)}\">{E(parameter.Name)}</label> <small class=\"text-muted\">{E(parameter.TypeName)}</small>");
        var value = parameter.Default ?? "";
        if (!parameter.IsList && (parameter.Kind == RunParameterKind.Boolean || parameter.Kind == RunParameterKind.Enum))
        {
            var choices = parameter.Kind == RunParameterKind.Boolean ? new[] { "true", "false" } : parameter.EnumValues.ToArray();
            html.Append(CultureInfo.InvariantCulture, $"<select class=\"form-control\" id=\"{E(id)}\" name=\"{E(name)}\"{required}>");
            if (parameter.Default is null) html.Append("<option value=\"\"></option>");
            foreach (var choice in choices)
                html.Append(CultureInfo.InvariantCulture, $"<option{(choice == value ? " selected" : "")}>{E(choice)}</option>");
            html.Append("</select>");
        }
        else
        {
            var attributes = new StringBuilder();
            var type = "text";
            if (!parameter.IsList)
            {
                switch (parameter.Kind)
                {
                    case RunParameterKind.Int32:
                    case RunParameterKind.Int64:
                        type = "number";
                        attributes.Append(" step=\"1\"");
                        break;
                    case RunParameterKind.Decimal:
                    case RunParameterKind.Double:
                        type = "number";
                        attributes.Append(" step=\"any\"");
                        break;
                    case RunParameterKind.Date:
                        type = "date";
                        break;
                }
                if (type == "number" && parameter.Minimum is { } min) attributes.Append(CultureInfo.InvariantCulture, $" min=\"{min.ToString("R", CultureInfo.InvariantCulture)}\"");
                if (type == "number" && parameter.Maximum is { } max) attributes.Append(CultureInfo.InvariantCulture, $" max=\"{max.ToString("R", CultureInfo.InvariantCulture)}\"");
                if (parameter.Pattern is { } pattern) attributes.Append(CultureInfo.InvariantCulture, $" pattern=\"{E(pattern)}\"");
            }
            else
            {
                attributes.Append(CultureInfo.InvariantCulture, $" placeholder=\"{E(RunParameterSet.Describe(parameter))}\"");
            }
            html.Append(CultureInfo.InvariantCulture, $"<input class=\"form-control\" type=\"{type}\" id=\"{E(id)}\" name=\"{E(name)}\" value=\"{E(value)}\"{attributes}{required}>");
        }
        if (parameter.Description is { } description) html.Append(CultureInfo.InvariantCulture, $"<span class=\"help-block\">{E(description)}</span>");
        html.Append("</div>");
    }

    private static string E(string? text) => HtmlText.Encode(text);

    // jQuery's ajax carries the antiforgery header Hangfire's own script sets up for its buttons. Hangfire's layout loads
    // jQuery after the page's content, so the submit button is enabled only once the document's scripts have run: a
    // submit before that found no jQuery and did nothing (the Chromium test, under load, waited 60 s for the run page).
    private const string Script = """
        <script>
        (function () {
            var form = document.querySelector('form.pipelines-trigger-form');
            var open = document.querySelector('.pipelines-trigger-open');
            if (!form || !open) return;
            open.addEventListener('click', function () { form.hidden = !form.hidden; });
            if (location.hash === '#trigger') form.hidden = false;
            var submit = form.querySelector('button.pipelines-trigger-submit');
            function ready() { if (window.jQuery) submit.disabled = false; }
            if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready); else ready();
            form.addEventListener('submit', function (e) {
                e.preventDefault();
                var errors = form.querySelector('.pipelines-trigger-errors');
                errors.innerHTML = '';
                var data = $(form).serializeArray().filter(function (f) { return f.value !== ''; });
                $.ajax({ url: form.getAttribute('action'), type: 'POST', data: $.param(data), dataType: 'json' })
                    .done(function (r) { location.href = form.dataset.runUrl + encodeURIComponent(r.run); })
                    .fail(function (x) {
                        var list = (x.responseJSON && x.responseJSON.errors) || ['The dashboard refused the run (HTTP ' + x.status + ').'];
                        list.forEach(function (m) { var li = document.createElement('li'); li.textContent = m; errors.appendChild(li); });
                    });
            });
        })();
        </script>
        """;
}
