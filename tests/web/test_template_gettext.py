"""The templates' gettext functions (plain functions in place of Jinja2's context-passing
ones): the same output, escaping included."""

from __future__ import annotations

from placement import i18n
from placement.web.templating import templates


def render(source: str, **context: object) -> str:
    return templates.env.from_string(source).render(**context)


def test_a_message_with_placeholders_escapes_their_values() -> None:
    html = render("{{ _('Signed in as %(email)s', email=who) }}", who="<b>x</b>")
    assert html == "Signed in as &lt;b&gt;x&lt;/b&gt;"


def test_a_message_without_placeholders_is_markup_and_keeps_a_doubled_percent() -> None:
    assert render("{{ _('Positions') }}") == "Positions"
    assert render("{{ _('100%% covered') }}") == "100% covered"


def test_plural_forms_get_num_and_the_reader_language() -> None:
    source = "{{ ngettext('%(num)s open position', '%(num)s open positions', n) }}"
    assert render(source, n=1) == "1 open position"
    assert render(source, n=3) == "3 open positions"
    with i18n.using("es"):
        assert render(source, n=3).startswith("3 ")
        assert render("{{ _('Positions') }}") != "Positions"


def test_trans_blocks_use_the_same_functions() -> None:
    html = render("{% trans name=who %}Hello {{ name }}{% endtrans %}", who="<i>")
    assert html == "Hello &lt;i&gt;"


def test_the_environment_uses_the_plain_functions() -> None:
    from placement.web import templating

    assert templates.env.globals["_"] is templating._gettext
    assert templates.env.globals["ngettext"] is templating._ngettext
