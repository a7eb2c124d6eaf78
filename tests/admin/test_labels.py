"""Admin pages show words, not codes: setting names and choices, audit actions."""
import ast
import pathlib
import re
import warnings

import pytest
from flask_babel.speaklater import LazyString

from portal.admin.forms import SETTING_CHOICE_LABELS
from portal.audit.labels import ACTION_LABELS, action_label
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.brands.settings import SETTINGS
from portal.extensions import db

PORTAL = pathlib.Path(__file__).resolve().parents[2] / "portal"


def _audit_action_codes():
    """Every action code written in portal/: record("...") calls and Core inserts' action=...

    Yields str codes, or re.Pattern for codes built at run time (f-strings).
    """
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "record" and node.args:
                written = node.args[0]
            elif name in ("values", "AuditEvent"):
                written = next((k.value for k in node.keywords if k.arg == "action"), None)
            else:
                continue
            if isinstance(written, ast.JoinedStr):
                yield re.compile("".join(
                    re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
                    for part in written.values) + "$")
            elif written is not None:  # a literal, or `"a" if x else "b"`: every literal in it
                constants = [n.value for n in ast.walk(written) if isinstance(n, ast.Constant)
                             and isinstance(n.value, str)]
                assert constants or written.id == "action", f"{path}:{node.lineno} action not a literal"
                yield from constants


def test_every_audit_action_written_in_the_code_has_a_label():
    codes = list(_audit_action_codes())
    literal = {code for code in codes if isinstance(code, str)}
    assert {"brand.setting_changed", "assist.end", "ticket_form.deactivate"} <= literal  # the scan works
    assert sorted(literal - set(ACTION_LABELS)) == []
    for pattern in (code for code in codes if not isinstance(code, str)):
        # Values come from the caller: the warning in record() catches a missing one when it runs.
        assert any(pattern.match(label) for label in ACTION_LABELS), pattern.pattern


def test_labels_are_lazy_so_they_translate_per_request():
    for label in [*ACTION_LABELS.values(), *(s.label for s in SETTINGS.values()),
                  *(label for labels in SETTING_CHOICE_LABELS.values() for label in labels.values())]:
        assert isinstance(label, LazyString), label


def test_recording_an_action_without_a_label_warns(app):
    with pytest.warns(UserWarning, match="no label"):
        record("made.up_action")
    db.session.rollback()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        record("brand.setting_changed")
    db.session.rollback()


def test_unknown_action_code_falls_back_to_the_code():
    assert action_label("made.up_action") == "made.up_action"
    assert str(action_label("membership.set")) == "Role set"


def test_every_setting_and_every_choice_has_a_label():
    for key, setting in SETTINGS.items():
        assert setting.label, key
        if setting.choices:
            assert set(setting.choices) <= set(SETTING_CHOICE_LABELS.get(key, {})), key


def test_settings_page_shows_labels_with_descriptions_and_the_key_small(client, as_admin):
    html = client.get("/acme/admin/settings").get_data(as_text=True)
    for key, setting in SETTINGS.items():
        assert f">{setting.label}</" in html
        assert str(setting.description) in html
        assert f'<code class="ms-1 small">{key}</code>' in html
    assert ">In person</label>" in html and ">Social media</label>" in html
    assert ">English</label>" in html and '<option value="fr">French</option>' in html
    for code in ("in_person", "social", "en", "fr"):
        assert f">{code}<" not in html


def test_audit_page_shows_action_labels(client, as_admin):
    client.post("/acme/admin/settings", data={"satisfaction_ratings": "0"})
    db.session.add(AuditEvent(action="retired.action", brand_id=as_admin.brand.id))
    db.session.commit()
    html = client.get("/acme/admin/audit").get_data(as_text=True)
    assert '<td title="brand.setting_changed">Setting changed</td>' in html
    assert '<td title="retired.action">retired.action</td>' in html
    assert "<code>" not in html
