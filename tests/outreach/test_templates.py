"""Templates render in Jinja2's sandbox and never send "Hi ," to a recipient missing a field."""

from __future__ import annotations

import pytest

from app.outreach.templates import (
    MissingMergeField,
    TemplateInvalid,
    check_template,
    merge_fields_in,
    render,
)


def test_merge_fields_render():
    assert render("Hi {{ first_name }}, see you in {{ precinct }}.", {
        "first_name": "Ada", "precinct": "27-5"}) == "Hi Ada, see you in 27-5."  # fmt: skip


def test_a_missing_field_is_refused_naming_it():
    with pytest.raises(MissingMergeField) as refused:
        render("Hi {{ first_name }},", {}, field="subject")
    assert "first_name" in str(refused.value.fields["subject"])


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hi {{ first_name | default('friend') }},", "Hi friend,"),
        ("Hi{% if first_name %} {{ first_name }}{% endif %},", "Hi,"),
    ],
)
def test_a_template_may_say_what_to_do_without_a_field(source, expected):
    assert render(source, {}) == expected


def test_html_is_escaped_text_is_not():
    fields = {"first_name": "<b>Ada</b>"}
    assert render("{{ first_name }}", fields, html=True) == "&lt;b&gt;Ada&lt;/b&gt;"
    assert render("{{ first_name }}", fields) == "<b>Ada</b>"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ first_name.__class__.__init__.__globals__ }}",
    ],
)
def test_the_sandbox_keeps_internals_out(source):
    with pytest.raises(TemplateInvalid):
        render(source, {"first_name": "Ada"})


@pytest.mark.parametrize("source", ["{{ first_name ", "{% if %}", "x" * 100_001])
def test_bad_templates_are_refused_naming_the_field(source):
    with pytest.raises(TemplateInvalid) as refused:
        check_template(source, field="html_body")
    assert "html_body" in refused.value.fields


def test_merge_fields_are_listed():
    assert merge_fields_in("{{ a }}{% if b %}{{ c | default('') }}{% endif %}") == {"a", "b", "c"}
