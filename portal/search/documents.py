"""Turning a user into index terms, and a typed query into the same terms.

Everything is analysed here, in Python, and the index stores plain space-separated terms: the
query side builds Term queries itself, so no query parser ever sees the user's syntax characters,
and prefix matching uses edge n-grams stored at index time (a prefix query on a unique field such
as the e-mail is too slow at 100k users, DESIGN §12).
"""
import re
import unicodedata

import phonenumbers

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 8
# Only 3- and 4-character prefixes are stored as grams: they are shared by many people, so they
# add few unique terms (reindex time grows with postings and unique terms), and they are the ones
# a prefix query would expand to thousands of words. A longer typed prefix is a Prefix query on
# the whole words or phone forms, which expands to a handful of terms; a 2-character one is a
# Prefix query on the names and addresses' small vocabulary (the 2-character grams were a fifth
# of all postings).
MIN_GRAM = 3
MAX_GRAM = 4
MAX_DIGIT_GRAM = 4
MIN_DIGIT_GRAM = 3
MIN_PREFIX = 2
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[a-z0-9]+")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{3,}$")
# Letters that Unicode does not decompose into a base letter and an accent.
_TRANSLITERATE = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "ı": "i",
                                "þ": "th", "ħ": "h"})


def fold(text: str | None) -> str:
    """Lower-case, accents removed, control characters dropped: 'Hélène' -> 'helene'."""
    text = _CONTROL.sub(" ", text or "")
    if text.isascii():  # most text: nothing to decompose (and casefold is lower)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str | None) -> list[str]:
    return _WORD.findall(fold(text))


def is_gram(token: str) -> bool:
    """True when a typed (partial) word is short enough to be looked up in the grams field."""
    if token.isdigit():
        return MIN_DIGIT_GRAM <= len(token) <= MAX_DIGIT_GRAM
    return MIN_GRAM <= len(token) <= MAX_GRAM


def edge_grams(term: str) -> list[str]:
    """Prefixes of term, from MIN_GRAM characters up to the cap (none for a shorter term, which
    is a whole word anyway)."""
    if term.isdigit():
        return [term[:n] for n in range(MIN_DIGIT_GRAM, min(len(term), MAX_DIGIT_GRAM) + 1)]
    return [term[:n] for n in range(MIN_GRAM, min(len(term), MAX_GRAM) + 1)]


def phone_forms(raw: str | None, regions) -> set[str]:
    """The number's E.164 digits (without '+'), read in each of the brands' regions: one term per
    number, however it is typed; query_phone_forms turns what is typed (national, with or without
    its trunk prefix, 00...) into E.164 digits too. A number that does not parse keeps its digits."""
    forms: set[str] = set()
    if not raw:
        return forms
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            # E.164 is +<country code><national significant number>
            forms.add(f"{number.country_code}{phonenumbers.national_significant_number(number)}")
    if not forms:
        digits = re.sub(r"\D", "", raw)
        if len(digits) >= 3:
            forms.add(digits)
    return forms


def user_document(user: dict, brand_ids: list[int], regions: list[str]) -> dict[str, str]:
    """The fields of one user's document. `user` holds the users table's columns."""
    email = fold(user["email"]).strip()
    username = fold(user["username"]).strip()
    name_words = words(user["name"])
    address_words = words(user.get("address"))
    email_words = _WORD.findall(email)
    phones = phone_forms(user.get("phone"), regions)

    all_words = list(dict.fromkeys(name_words + address_words + email_words))
    grams: list[str] = []
    # An e-mail typed in part ("dupre@phys") is looked up word by word, so words suffice.
    for word in all_words:
        grams += edge_grams(word)
    # "The number ending 5678"; the start of a number is looked up from 5 digits on (a Prefix on
    # the phone forms), 3 or 4 digits name thousands of people.
    grams += [digits[-4:] for digits in phones]

    return {
        "id": str(user["id"]),
        "brands": " ".join(str(b) for b in sorted(set(brand_ids))),
        "names": " ".join(name_words),
        # Words of the name and address; the e-mail's own words apart, so that a typed prefix
        # expands over a small vocabulary (e-mail words are nearly one per person).
        "words": " ".join(dict.fromkeys(name_words + address_words)),
        "mailwords": " ".join(w for w in dict.fromkeys(email_words) if w not in name_words + address_words),
        # Identifiers typed whole or as a long prefix; the e-mail's pieces are among the words.
        "ids": " ".join(sorted({t for t in (email, username) if t and " " not in t})),
        "phones": " ".join(sorted(phones)),
        "grams": " ".join(dict.fromkeys(grams)),
    }


def clean_query(query: str | None) -> str:
    """Fold, drop control characters, cap length: what every query goes through first."""
    return " ".join(fold(query)[:MAX_QUERY_CHARS].split())


def query_tokens(cleaned: str) -> list[str]:
    """Whitespace tokens stripped of quoting and syntax characters, at most MAX_QUERY_TOKENS."""
    tokens = []
    for raw in cleaned.split():
        token = raw.strip("\"'*:()[]{}!?,;^~<>=|&\\")
        if token and any(c.isalnum() for c in token):
            tokens.append(token)
    return tokens[:MAX_QUERY_TOKENS]


def is_phone_like(cleaned: str) -> bool:
    return bool(_PHONE_LIKE.match(cleaned))


def query_phone_forms(cleaned: str, region: str) -> set[str]:
    """Digit strings to look up when the whole query looks like (part of) a phone number: as
    typed, and as the start of E.164 digits read in the brand's region ("06 12 34" in France is
    "3361234", so is "6 12 34")."""
    if not is_phone_like(cleaned):
        return set()
    digits = re.sub(r"\D", "", cleaned)
    if len(digits) < 3:
        return set()
    forms = {digits}
    if cleaned.startswith("+"):
        return forms
    if digits.startswith("00"):
        forms.add(digits[2:])  # international call prefix, as typed in Europe
        return forms
    country_code = phonenumbers.country_code_for_region(region)
    if country_code:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        trunk = (metadata.national_prefix if metadata else None) or ""
        national = digits[len(trunk):] if trunk and digits.startswith(trunk) else digits
        forms.add(f"{country_code}{national}")
    try:
        number = phonenumbers.parse(cleaned, region)
        if phonenumbers.is_possible_number(number):
            forms.add(f"{number.country_code}{phonenumbers.national_significant_number(number)}")
    except phonenumbers.NumberParseException:
        pass
    return forms


def transpositions(token: str) -> list[str]:
    """'bhor' -> ['hbor', 'bohr', 'bhro']: the typo Levenshtein distance 1 does not cover."""
    return [token[:i] + token[i + 1] + token[i] + token[i + 2:] for i in range(len(token) - 1)
            if token[i] != token[i + 1]]
