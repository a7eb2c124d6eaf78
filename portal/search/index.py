"""The Whoosh index on disk: generations, the pointer to the live one, the writer lock, queries.

Layout of SEARCH_INDEX_DIR:
    CURRENT          name of the live generation (replaced atomically by os.replace)
    gen-<id>/        one complete Whoosh index per rebuild, with a FORMAT file: the version of
                     the documents' terms it holds (an index of another version is rebuilt)
    write.lock       held by whoever writes (outbox or swap), across processes
    reindex.lock     held by the one rebuild running
    REINDEXING       present while a rebuild runs: outbox rows are then kept for replay
Whoosh is not crash-safe, so anything unreadable is treated as missing and rebuilt from the
database (DESIGN §12).
"""
import gc
import json
import os
import shutil
import socket
import time
import uuid
import warnings
from collections import Counter
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, Schema
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.query import And, FuzzyTerm, Or, Prefix, Term
from whoosh.system import pack_uint
from whoosh.util.filelock import FileLock

from . import documents, whoosh_patches  # noqa: F401 (applies the patches)

POINTER = "CURRENT"
FORMAT_FILE = "FORMAT"
# Raise when documents.py or schema() changes which terms a document holds: an index written by
# an older version would silently miss terms the queries now look for, so it is rebuilt instead.
FORMAT_VERSION = "3"
MARKER = "REINDEXING"
WRITE_LOCK = "write.lock"
REINDEX_LOCK = "reindex.lock"
STALE_MARKER_SECONDS = 3600
# A prefix of an identifier (e-mail, username) shorter than this would expand to thousands of terms.
MIN_ID_PREFIX = 5
# Boosts: an identifier typed whole outranks everything, then whole words, then prefixes, typos.
EXACT_BOOST, WORD_BOOST, GRAM_BOOST, PHONE_BOOST, FUZZY_BOOST = 40.0, 4.0, 2.0, 6.0, 1.0
# A prefix that starts more terms than this names nobody in particular (an identifier prefix
# while a name is typed, "nicola"; two letters of an e-mail word): it is dropped rather than
# walked term by term.
MAX_EXPANSION = 64


def rebuild_codec() -> W3Codec:
    """Most terms (an e-mail, a phone number) belong to one person: inline in the term table they
    skip a posting block each; blocks stay uncompressed (faster to write and to read)."""
    return W3Codec(compression=0, inlinelimit=4)


class Terms(KEYWORD):
    """A keyword field fed terms documents.py already analysed, space-separated: indexing them
    skips Whoosh's analyzer chain (a token object per term), the bulk of add_document's time."""

    def index(self, value, **kwargs):
        terms = value.split()
        if len(set(terms)) == len(terms):
            return [(term.encode("utf-8"), 1, 1.0, _ONE) for term in terms]
        counts = Counter(terms)
        return [(term.encode("utf-8"), n, float(n), pack_uint(n)) for term, n in counts.items()]


_ONE = pack_uint(1)


def schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True),
        brands=Terms(),
        names=Terms(scorable=True),
        words=Terms(scorable=True),
        mailwords=Terms(scorable=True),
        ids=Terms(scorable=True),
        phones=Terms(),
        # Not scorable: no field length per posting to write (the bulk of postings are grams);
        # a gram then scores its boost, the same for every member who has it.
        grams=Terms(),
    )


@contextmanager
def quiet_leaks():
    """Whoosh leaves files open when it fails to read a damaged index; close them quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        except BaseException:
            gc.collect()
            raise


class IndexUnavailable(Exception):
    """The live index is missing or unreadable: rebuild it from the database."""


class LockTimeout(Exception):
    pass


class IndexStore:
    def __init__(self, base_dir: str):
        self.base_dir = base_dir

    def _path(self, name: str) -> str:
        return os.path.join(self.base_dir, name)

    # --- the live generation -------------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            with open(self._path(POINTER), encoding="utf-8") as handle:
                name = handle.read().strip()
        except OSError:
            return None
        return name if name.startswith("gen-") else None

    def open(self):
        name = self.current_name()
        if name is None:
            raise IndexUnavailable("no live index")
        if self._format(name) != FORMAT_VERSION:
            raise IndexUnavailable(f"{name} holds another version of the terms")
        with quiet_leaks():
            try:
                return whoosh_index.open_dir(self._path(name), schema=schema())
            except Exception as error:  # any unreadable state is a missing index
                failure = f"{type(error).__name__}: {error}"
            gc.collect()
        raise IndexUnavailable(failure)

    def new_generation(self):
        os.makedirs(self.base_dir, exist_ok=True)
        name = f"gen-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        os.makedirs(self._path(name))
        with open(os.path.join(self._path(name), FORMAT_FILE), "w", encoding="utf-8") as handle:
            handle.write(FORMAT_VERSION)
        return name, whoosh_index.create_in(self._path(name), schema())

    def _format(self, name: str) -> str | None:
        try:
            with open(os.path.join(self._path(name), FORMAT_FILE), encoding="utf-8") as handle:
                return handle.read().strip()
        except (OSError, UnicodeDecodeError):
            return None

    def swap(self, name: str) -> None:
        """Point CURRENT at `name` atomically; keep the previous generation for searches still
        reading it, remove older ones. Call with the write lock held."""
        previous = self.current_name()
        temporary = self._path(f"{POINTER}.{uuid.uuid4().hex}")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._path(POINTER))
        for entry in os.listdir(self.base_dir):
            if entry.startswith("gen-") and entry not in (name, previous):
                shutil.rmtree(self._path(entry), ignore_errors=True)

    def discard(self, name: str) -> None:
        shutil.rmtree(self._path(name), ignore_errors=True)

    # --- one writer at a time, across processes --------------------------------------------
    def write_lock(self, timeout: float):
        return self._lock(WRITE_LOCK, timeout)

    def reindex_lock(self, timeout: float):
        """Held for a whole rebuild: two rebuilds at once would share one REINDEXING marker."""
        return self._lock(REINDEX_LOCK, timeout)

    @contextmanager
    def _lock(self, filename: str, timeout: float):
        os.makedirs(self.base_dir, exist_ok=True)
        lock = FileLock(self._path(filename))
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise LockTimeout(self.base_dir)
            time.sleep(0.02)
        try:
            yield
        finally:
            lock.release()

    # --- rebuild in progress ---------------------------------------------------------------
    def mark_reindexing(self) -> None:
        with open(self._path(MARKER), "w", encoding="utf-8") as handle:
            json.dump({"pid": os.getpid(), "host": socket.gethostname(), "at": time.time()}, handle)

    def unmark_reindexing(self) -> None:
        try:
            os.remove(self._path(MARKER))
        except FileNotFoundError:
            pass

    def reindexing(self) -> bool:
        """True while a live rebuild runs; a marker left by a dead process does not count."""
        try:
            with open(self._path(MARKER), encoding="utf-8") as handle:
                marker = json.load(handle)
        except (OSError, ValueError):
            return False
        if time.time() - float(marker.get("at", 0)) > STALE_MARKER_SECONDS:
            return False
        if marker.get("host") == socket.gethostname():
            try:
                os.kill(int(marker["pid"]), 0)
            except (OSError, ValueError, KeyError):
                return False
        return True


def build_query(cleaned: str, phone_regions: list[str], known_word=lambda token: False) -> list:
    """Queries for an already cleaned (folded, capped) text, to run in turn until one finds
    someone: every word must match, first without looking inside punctuated words ("dupre@phys"
    as pieces, costly: the pieces are common), then with, then (several words) any word.
    `known_word(token)` tells whether a word is in the index as typed: such a word is taken as
    meant, so it skips typo matching and, unless it is the word being typed (the last), prefixes.
    `phone_regions`: where a nationally written number may come from, the searching brand's first."""
    tokens = documents.query_tokens(cleaned)
    # A number may be typed as written in any brand's country (a member of two brands): read it in
    # each of their regions, the searching brand's first.
    phones = set().union(*(documents.query_phone_forms(cleaned, region) for region in phone_regions))
    exact_terms = {cleaned} | ({t for t in tokens} if len(tokens) == 1 else set())
    exact = [Term("ids", t, boost=EXACT_BOOST) for t in exact_terms if t and " " not in t]
    exact += [Term("phones", p, boost=EXACT_BOOST) for p in phones]
    if phones:
        # The whole box is a phone number, typed with spaces or not: match its digits only.
        # A postal code or house number is digits too: a long form also looks among the words.
        options = [_prefix("phones", p, PHONE_BOOST) for p in phones]
        options += [Prefix("words", p, boost=GRAM_BOOST) for p in phones if not documents.is_gram(p)]
        return [Or(exact + options)]
    if not tokens:
        return []
    known = {token: known_word(token) for token in tokens}

    def per_token(pieces: bool) -> list:
        return [_token_query(token, known[token], typing=i == len(tokens) - 1, pieces=pieces)
                for i, token in enumerate(tokens)]

    whole, pieces = per_token(False), per_token(True)
    queries = [Or(exact + [_all(whole)])]
    if any(_has_pieces(token) for token in tokens):
        queries.append(Or(exact + [_all(pieces)]))
    if len(tokens) > 1:
        queries.append(Or(pieces))
    return queries


class RareFirstAnd(And):
    """Every part must match, walked from the rarest part outwards: the rarest part proposes
    candidates and the others only skip to them. Whoosh's own And pairs the two commonest parts
    first ("rue" with "de" in an address), which walks their long posting lists against each other."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        ordered = sorted(subs, key=lambda query: query.estimate_size(reader))
        matchers = []
        for query in ordered:
            matcher = query.matcher(searcher, context)
            if not matcher.is_active():
                return NullMatcher()  # a part nobody has: nobody matches, nothing more to read
            matchers.append(matcher)
        chain = matchers[0]
        for matcher in matchers[1:]:
            chain = IntersectionMatcher(chain, matcher)
        return WrappingMatcher(chain, self.boost) if self.boost != 1.0 else chain


class _ExpandOnce:
    """Whoosh expands a multi-term query twice, to size it (RareFirstAnd) then to match it: keep
    the expansion for the reader it was made on."""

    def _btexts(self, ixreader):
        cached = getattr(self, "_expansion", None)
        if cached is None or cached[0] is not ixreader:
            cached = self._expansion = (ixreader, self._expand(ixreader))
        return cached[1]


class CappedPrefix(_ExpandOnce, Prefix):
    """A prefix, or nothing when it starts more than MAX_EXPANSION terms."""

    def _expand(self, ixreader) -> list:
        texts = []
        for text in ixreader.expand_prefix(self.fieldname, self.text):
            texts.append(text)
            if len(texts) > MAX_EXPANSION:
                return []
        return texts


class Typo(_ExpandOnce, FuzzyTerm):
    """Terms within the edit distance, and the swaps of two neighbouring letters ("bhor") that
    Levenshtein distance 1 does not cover."""

    def _expand(self, ixreader) -> list:
        texts = list(FuzzyTerm._btexts(self, ixreader))
        return texts + [t for t in documents.transpositions(self.text)
                        if t not in texts and (self.fieldname, t) in ixreader]


def _all(queries: list):
    return queries[0] if len(queries) == 1 else RareFirstAnd(queries)


def _has_pieces(token: str) -> bool:
    parts = documents.words(token)
    return bool(parts) and parts != [token]


def _prefix(fieldname: str, token: str, boost: float):
    """A 3-4 character prefix is one stored gram; a longer one expands to the few whole terms it
    starts; a 2-character one to the terms it starts, unless they are too many."""
    if documents.is_gram(token):
        return Term("grams", token, boost=boost)
    if len(token) < documents.MIN_GRAM:
        return CappedPrefix(fieldname, token, boost=boost)
    return Prefix(fieldname, token, boost=boost)


def _word(text: str, boost: float):
    return Or([Term("words", text, boost=boost), Term("mailwords", text, boost=boost)])


def _piece_prefix(text: str):
    if len(text) < documents.MIN_PREFIX:
        return _word(text, GRAM_BOOST)  # an initial, "o" of "o'brien"
    if documents.is_gram(text):
        return Term("grams", text, boost=GRAM_BOOST)
    return Or([_prefix("words", text, GRAM_BOOST), _prefix("mailwords", text, GRAM_BOOST)])


def _token_query(token: str, known: bool, typing: bool, pieces: bool):
    options = [_word(token, WORD_BOOST)]
    if (typing or not known) and len(token) >= documents.MIN_PREFIX:
        options.append(_prefix("words", token, GRAM_BOOST))
    # The start of an identifier ("nbrune", "louis.lau"); not for a word, which would expand to
    # every e-mail that starts with it.
    if ((typing and not known) or _has_pieces(token)) and len(token) > MIN_ID_PREFIX:
        options.append(CappedPrefix("ids", token, boost=GRAM_BOOST))
    if _has_pieces(token):  # "o'brien", "niels@", "dupre@phys"
        options.append(Term("ids", token, boost=WORD_BOOST))
        # Every piece as a whole word ("sainte-catherine"), then as a prefix ("dupre@phys").
        parts = documents.words(token)
        options.append(RareFirstAnd([_piece_prefix(p) if pieces else _word(p, GRAM_BOOST) for p in parts]))
    if not known and token.isalpha() and len(token) >= 4:
        options.append(Typo("names", token, boost=FUZZY_BOOST, maxdist=1 if len(token) < 8 else 2,
                            prefixlength=1))
    return Or(options)
