"""Labels of ticket codes (portal/labels.py) and the templates' cached gettext (portal/i18n.py)."""
from flask import render_template_string
from flask_babel import force_locale

from portal import labels
from portal.tickets.models import PRIORITIES, STATUSES, TICKET_CHANNELS, TYPES


def test_every_code_has_a_label():
    for codes, table in ((STATUSES, labels.STATUS_TEXT), (STATUSES, labels.REQUEST_STATUS_TEXT),
                         (STATUSES, labels.STATUS_BADGE), (PRIORITIES, labels.PRIORITY_TEXT),
                         (TYPES, labels.TYPE_TEXT), (TICKET_CHANNELS, labels.TICKET_CHANNEL_TEXT)):
        assert set(codes) <= set(table), set(codes) - set(table)


def test_wording_and_fallbacks(app):
    with app.test_request_context("/"), force_locale("fr"):
        assert labels.status_text("pending") == "En attente"
        assert labels.request_status_text("pending") != labels.status_text("pending")
        assert str(labels.status_label("solved")) == '<span class="badge text-bg-success">Résolu</span>'
        assert labels.event_field("field:Laptop serial") == "Laptop serial"
        assert labels.event_value("created", 42) == "#42"
        assert labels.event_value("status", None) == "—"
        assert labels.event_value("priority", "urgent") == "Urgente"
        assert labels.channel_label("carrier_pigeon") == "carrier_pigeon"  # unknown: shown as stored
        assert str(labels.status_label("<b>")) == '<span class="badge text-bg-secondary">&lt;b&gt;</span>'


def test_template_gettext_follows_force_locale_inside_one_request(app):
    template = "{{ _('Closed') }}"
    with app.test_request_context("/"):
        with force_locale("en"):
            assert render_template_string(template) == "Closed"
        with force_locale("fr"):
            assert render_template_string(template) == "Clos"
        with force_locale("en"):
            assert render_template_string(template) == "Closed"


def test_template_gettext_takes_any_variable_name(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('%(string)s and %(eval_ctx)s', string='<a>', eval_ctx='b') }}") == (
            "&lt;a&gt; and b")
