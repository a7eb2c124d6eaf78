"""The French catalogue is complete: no untranslated and no fuzzy entry (DESIGN §9)."""
import os

from babel.messages.pofile import read_po

CATALOGUE = os.path.join(os.path.dirname(__file__), "..", "..", "translations", "fr", "LC_MESSAGES",
                         "messages.po")


def load_catalogue():
    assert os.path.exists(CATALOGUE), "translations/fr/LC_MESSAGES/messages.po is missing"
    with open(CATALOGUE, "rb") as handle:
        return read_po(handle, locale="fr")


def untranslated(catalogue):
    missing = []
    for message in catalogue:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(s and s.strip() for s in strings):
            missing.append(message.id)
    return missing


def test_french_catalogue_has_no_empty_translation():
    catalogue = load_catalogue()
    assert len(catalogue) > 0
    missing = untranslated(catalogue)
    assert missing == [], f"{len(missing)} untranslated French entries, e.g. {missing[:10]}"


def test_french_catalogue_has_no_fuzzy_entry():
    fuzzy = [message.id for message in load_catalogue() if message.id and message.fuzzy]
    assert fuzzy == [], f"{len(fuzzy)} fuzzy French entries (check and remove the flag), e.g. {fuzzy[:10]}"


def test_the_checks_catch_an_untranslated_entry(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Sign in"\nmsgstr "Se connecter"\n\nmsgid "Sign out"\nmsgstr ""\n\n'
                  'msgid "%(n)d request"\nmsgid_plural "%(n)d requests"\nmsgstr[0] "%(n)d demande"\nmsgstr[1] ""\n',
                  encoding="utf-8")
    with open(po, "rb") as handle:
        catalogue = read_po(handle, locale="fr")
    assert untranslated(catalogue) == ["Sign out", ("%(n)d request", "%(n)d requests")]


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract as `flask translate update` does: a new string without a French entry fails here."""
    from babel.messages.frontend import CommandLineInterface

    root = os.path.join(os.path.dirname(__file__), "..", "..")
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", os.path.join(root, "config", "babel.cfg"),
                                "-k", "_l", "--no-location", "-o", str(pot), root])
    with open(pot, "rb") as handle:
        extracted = {message.id for message in read_po(handle) if message.id}
    assert extracted, "no strings extracted: check config/babel.cfg"
    known = {message.id for message in load_catalogue() if message.id}
    missing = sorted(extracted - known, key=str)
    assert missing == [], (f"{len(missing)} strings missing from the French catalogue "
                           f"(run `flask --app app translate update`, then translate), e.g. {missing[:10]}")
