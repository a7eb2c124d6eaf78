"""User-search benchmark (issue 5): Whoosh against a plain SQL LIKE search and SQLite FTS5.

    python -m bench.search [--users 100000] [--queries 1000] [--seed 7]

Seeds N users across 3 brands (bulk insert, one precomputed password hash), rebuilds the index
(`reindex`, target < 20 s), then runs a fixed mix of realistic queries on each engine, same data,
same run: names as typed, with typos and as-you-type prefixes, whole and partial e-mails, phones
in several formats, street addresses. Every query's expected users come from the rules below,
applied to the generated people (never read back from an index): a hit is an expected user among
the first three results. Targets: p95 <= 30 ms, top-3 >= 95 %.
"""
import argparse
import os
import random
import re
import shutil
import sqlite3
import sys
import time
import unicodedata
from collections import defaultdict

from sqlalchemy import insert

from .common import OUT_DIR, percentile
from .seed import SECRET_KEY

FIRST = ("Adèle Agathe Alain Albert Alice Amélie André Anne Antoine Arnaud Aurélie Baptiste Benoît "
         "Bernard Brigitte Camille Catherine Cécile Céline Charles Chloé Christian Claire Claude "
         "Clément Colette Damien Daniel David Denis Didier Dominique Édouard Éléonore Élise Élodie "
         "Emma Éric Étienne Fabien Fanny Florence François Frédéric Gabriel Gaëlle Georges Gérard "
         "Gilles Guillaume Hélène Henri Hugo Inès Isabelle Jacques Jean Jérôme Joël Josiane Julie "
         "Julien Laure Laurent Léa Léon Louis Louise Luc Lucie Manon Marc Margaux Marie Marine Martine "
         "Mathieu Maxime Michel Monique Nathalie Nicolas Noël Océane Olivier Pascal Patrick Paul "
         "Pauline Philippe Pierre Raphaël Rémi Renée Richard Robert Romain Sandrine Sébastien Simone "
         "Sophie Stéphane Sylvie Thérèse Thierry Thomas Valérie Vincent Virginie Xavier Yves Zoé "
         "Haru Niels Ingrid Søren Jürgen Ana João Aoife Siobhan Priya Rahul Mei Kenji Olga Dmitri "
         "Fatima Karim Youssef Amina Omar Leila Noah Liam Oliver Jack Harry George Emily Grace").split()
LAST = ("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèbvre "
        "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont "
        "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry "
        "Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
        "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer "
        "Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt "
        "Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois "
        "Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da "
        "Hoarau Aubry Bohr Curie Tanaka Sato Suzuki Takahashi Watanabe Kowalski Nowak Novák Horváth "
        "Jensen Hansen Nielsen Larsen Johansson Andersson Eriksson Karlsson Virtanen Müller Schneider "
        "Fischer Weber Wagner Becker Hoffmann Schäfer Koch Richter Klein Wolf Schröder Neumann "
        "Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitz Krause Meier Lehmann Köhler "
        "Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn "
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Johnson Roberts Robinson Wright Walker "
        "Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martinez Clarke Jackson Turner "
        "Hill Moore Cooper Ward Morris King Watson Baker Harrison Morgan Patel Young Allen Mitchell "
        "O'Brien O'Connor Murphy Kelly Byrne Ryan Walsh McCarthy Gallagher Doherty Kennedy Lynch "
        "Murray Quinn Moore McLaughlin Carroll Connolly Daly Connell Wilson Dunne Brennan Burke "
        "Collins Campbell Clarke Johnston Hughes Farrell Fitzgerald Brown Martin Maguire Nolan Flynn "
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
        "DeLuca Mancini Costa Giordano Rizzo Lombardi Moretti Silva Santos Ferreira Pereira Oliveira "
        "Rodrigues Martins Jesus Sousa Fernandes Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro "
        "Pinto Carvalho Teixeira Moreira Correia Mendes Nunes Soares Vieira Monteiro Cardoso Rocha "
        "Raposo Neves Coelho Cruz Cunha Pires Ramos Reis Simões Antunes Matos Fonseca Machado Araújo").split()
STREETS = ("rue de la Paix|rue Volta|avenue des Champs-Élysées|boulevard Haussmann|rue de Rivoli|"
           "rue du Faubourg Saint-Honoré|place Bellecour|rue de la République|quai des Chartrons|"
           "cours Mirabeau|rue Sainte-Catherine|rue Nationale|avenue Jean Médecin|rue de Siam|"
           "rue Pierre et Marie Curie|allée des Tilleuls|chemin des Vignes|impasse du Moulin|"
           "rue Victor Hugo|rue Jean Jaurès|avenue Foch|rue Pasteur|rue Gambetta|place du Marché|"
           "High Street|Station Road|Church Lane|Victoria Road|Green Lane|Manor Road|Park Avenue|"
           "Queen's Road|Kings Road|Mill Lane|Baker Street|Abbey Road").split("|")
CITIES = ("75002 Paris|75005 Paris|69001 Lyon|13001 Marseille|33000 Bordeaux|31000 Toulouse|"
          "59000 Lille|67000 Strasbourg|44000 Nantes|06000 Nice|London SW1A 1AA|Manchester M1 1AE|"
          "Bristol BS1 4DJ|Leeds LS1 4AP|Oxford OX1 2JD").split("|")
DOMAINS = ("example.com example.org mail.example.net corp.example.fr acme.example globex.example "
           "laposte.example orange.example free.example outlook.example").split()
BRANDS = (("acme", "FR"), ("globex", "FR"), ("initech", "GB"))
MIX = {"name": 150, "name_typo": 100, "name_typing": 50, "email": 100, "email_partial": 100,
       "email_domain_part": 50, "phone": 300, "street": 150}


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


# --- seeding ------------------------------------------------------------------------------------
def make_people(count: int, rng: random.Random) -> list[dict]:
    people, used_emails = [], set()
    for user_id in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        home = rng.randrange(len(BRANDS))
        brands = {home} | ({rng.randrange(len(BRANDS))} if rng.random() < 0.2 else set())
        region = BRANDS[home][1]
        local = re.sub(r"[^a-z0-9.]", "", fold(rng.choice((f"{first}.{last}", f"{first[0]}{last}",
                                                             f"{last}.{first}", f"{first}{last[:3]}"))))
        email = f"{local}@{rng.choice(DOMAINS)}"
        while email in used_emails:
            email = f"{local}{rng.randrange(10, 9999)}@{email.split('@')[1]}"
        used_emails.add(email)
        if region == "FR":
            digits = f"{rng.choice('67')}{rng.randrange(10**8):08d}"
            pairs = " ".join(digits[i:i + 2] for i in range(1, 9, 2))
            phone = rng.choice((f"+33 {digits[0]} {pairs}", f"0{digits[0]} {pairs}", f"0{digits}"))
        else:
            digits = f"7{rng.randrange(10**9):09d}"
            phone = rng.choice((f"+44 {digits[:4]} {digits[4:]}", f"0{digits[:4]} {digits[4:]}"))
        city = rng.choice(CITIES[:10] if region == "FR" else CITIES[10:])
        street = rng.choice(STREETS[:24] if region == "FR" else STREETS[24:])
        people.append({"id": user_id, "first": first, "last": last, "name": f"{first} {last}",
                       "email": email, "username": f"{email.split('@')[0]}.{user_id}",
                       "phone": phone if rng.random() < 0.9 else None, "region": region,
                       "digits": digits, "number": rng.randrange(1, 200), "street": street, "city": city,
                       "brands": sorted(brands)})
        people[-1]["address"] = f"{people[-1]['number']} {street}, {city}"
    return people


def seed(app, people: list[dict]) -> float:
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.brands.models import Brand, Membership
    from portal.extensions import db

    started = time.perf_counter()
    with app.app_context(), db.engine.begin() as conn:
        password_hash = hash_password("bench-password")  # once: argon2 is slow on purpose
        conn.execute(insert(Brand.__table__), [
            {"id": i + 1, "slug": slug, "name": slug.title(), "colour": "#0d6efd",
             "settings": {"default_phone_region": region}} for i, (slug, region) in enumerate(BRANDS)])
        conn.execute(insert(User.__table__), [
            {"id": p["id"], "email": p["email"], "username": p["username"], "name": p["name"],
             "phone": p["phone"], "address": p["address"], "password_hash": password_hash, "active": True}
            for p in people])
        conn.execute(insert(Membership.__table__), [
            {"user_id": p["id"], "brand_id": b + 1, "role": "end_user", "can_assist": False,
             "can_register_users": False} for p in people for b in p["brands"]])
    return time.perf_counter() - started


# --- the labelled queries: each rule says what a person types and who they mean ------------------
def typo(word: str, rng: random.Random) -> str | None:
    """One slip of the fingers on a word of 5+ letters; None when it would spell another real name."""
    letters = fold(word)
    if len(letters) < 5 or not letters.isalpha():
        return None
    i = rng.randrange(1, len(letters) - 1)
    kind = rng.choice(("swap", "drop", "double", "vowel"))
    if kind == "swap":
        result = letters[:i] + letters[i + 1] + letters[i] + letters[i + 2:]
    elif kind == "drop":
        result = letters[:i] + letters[i + 1:]
    elif kind == "double":
        result = letters[:i] + letters[i] + letters[i:]
    else:
        vowels = "aeiou"
        spots = [j for j, c in enumerate(letters) if c in vowels and j > 0]
        if not spots:
            return None
        j = rng.choice(spots)
        result = letters[:j] + rng.choice(vowels.replace(letters[j], "")) + letters[j + 1:]
    return None if result == letters or result in {fold(n) for n in LAST + FIRST} else result


def phone_as_typed(person: dict, rng: random.Random) -> str:
    d = person["digits"]
    if person["region"] == "FR":
        pairs = " ".join(d[i:i + 2] for i in range(1, 9, 2))
        return rng.choice((f"+33 {d[0]} {pairs}", f"0{d[0]} {pairs}", f"0{d}", f"0033{d}", f"+33{d}"))
    return rng.choice((f"+44 {d[:4]} {d[4:]}", f"0{d[:4]} {d[4:]}", f"0{d}", f"0044{d}"))


def make_queries(people: list[dict], total: int, rng: random.Random) -> list[tuple]:
    """(kind, brand index, query text, expected user ids) for a fixed mix scaled to `total`."""
    members = defaultdict(list)
    for p in people:
        for b in p["brands"]:
            members[b].append(p)
    by_name, by_address = defaultdict(set), defaultdict(set)
    for p in people:
        for b in p["brands"]:
            by_name[(b, fold(p["name"]))].add(p["id"])
            by_address[(b, p["number"], fold(p["street"]), fold(p["city"]))].add(p["id"])
    queries = []
    scale = total / sum(MIX.values())
    for kind, share in MIX.items():
        made = 0
        while made < round(share * scale):
            brand = rng.randrange(len(BRANDS))
            p = rng.choice(members[brand])
            same_name = by_name[(brand, fold(p["name"]))]
            if kind == "name":
                text, expected = rng.choice((p["name"], fold(p["name"]), p["name"].upper())), same_name
            elif kind == "name_typo":
                slip = typo(p["last"], rng)
                if slip is None:
                    continue
                text, expected = f"{p['first']} {slip}", same_name
            elif kind == "name_typing":  # as-you-type: whole first name, start of the last name
                if len(p["last"]) < 5:
                    continue
                text = f"{p['first']} {p['last'][:rng.randrange(3, len(p['last']))]}"
                expected = {q["id"] for q in members[brand] if q["first"] == p["first"]
                            and fold(q["last"]).startswith(fold(text.split(" ", 1)[1]))}
                if len(expected) > 3:
                    continue  # a prefix that many people share has no single right answer
            elif kind == "email":
                text, expected = p["email"], {p["id"]}
            elif kind == "email_partial":  # the start of the address, cut anywhere after 6 chars
                text = p["email"][:rng.randrange(min(6, len(p["email"]) - 1), len(p["email"]))]
                expected = {q["id"] for q in members[brand] if q["email"].startswith(text)}
                if len(expected) > 3:
                    continue
            elif kind == "email_domain_part":  # the local part and the start of the domain
                local, domain = p["email"].split("@")
                text = f"{local}@{domain[:3]}"
                expected = {q["id"] for q in members[brand] if q["email"].startswith(text)}
                if len(expected) > 3:
                    continue
            elif kind == "phone":
                if not p["phone"]:
                    continue
                text, expected = phone_as_typed(p, rng), {p["id"]}
            else:  # street address: number, street and town as written on an envelope
                text = f"{p['number']} {p['street']} {p['city'].split()[-1]}"
                expected = by_address[(brand, p["number"], fold(p["street"]), fold(p["city"]))]
            queries.append((kind, brand, text, expected))
            made += 1
    rng.shuffle(queries)
    return queries


# --- the two baselines ----------------------------------------------------------------------------
class LikeSearch:
    """What one writes without a search engine: every word LIKE '%word%' on the columns."""

    name = "SQL LIKE"

    def __init__(self, path: str):
        self.db = sqlite3.connect(path)

    def build(self) -> float:
        return 0.0

    def search(self, brand_id: int, text: str, limit: int = 10) -> list[int]:
        words = [w for w in text.split() if w][:8]
        if not words:
            return []
        blob = "(u.name || ' ' || u.email || ' ' || u.username || ' ' || coalesce(u.phone, '') || ' ' || coalesce(u.address, ''))"
        where = " AND ".join(f"{blob} LIKE ? ESCAPE '\\'" for _ in words)
        params = [brand_id] + ["%" + re.sub(r"([%_\\])", r"\\\1", w) + "%" for w in words] + [limit]
        sql = (f"SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id AND m.brand_id = ? "
               f"WHERE {where} LIMIT ?")
        return [row[0] for row in self.db.execute(sql, params)]


class Fts5Search:
    """SQLite FTS5 with accents removed and prefix queries, ranked by bm25, brand as a column."""

    name = "SQLite FTS5"

    def __init__(self, path: str):
        self.db = sqlite3.connect(path)

    def build(self) -> float:
        started = time.perf_counter()
        self.db.executescript("""
            DROP TABLE IF EXISTS users_fts;
            CREATE VIRTUAL TABLE users_fts USING fts5(name, email, username, phone, address, brands,
                tokenize = "unicode61 remove_diacritics 2 tokenchars '@.'", prefix = '2 3 4');
            INSERT INTO users_fts(rowid, name, email, username, phone, address, brands)
                SELECT u.id, u.name, u.email, u.username, coalesce(u.phone, ''), coalesce(u.address, ''),
                       (SELECT group_concat('b' || m.brand_id, ' ') FROM memberships m WHERE m.user_id = u.id)
                FROM users u;
        """)
        self.db.commit()
        return time.perf_counter() - started

    def search(self, brand_id: int, text: str, limit: int = 10) -> list[int]:
        words = [w.replace('"', '""') for w in text.split() if w][:8]
        if not words:
            return []
        match = f'brands : "b{brand_id}" AND ' + " AND ".join(f'"{w}"*' for w in words)
        try:
            return [row[0] for row in self.db.execute(
                "SELECT rowid FROM users_fts WHERE users_fts MATCH ? ORDER BY bm25(users_fts) LIMIT ?",
                (match, limit))]
        except sqlite3.OperationalError:
            return []


class WhooshSearch:
    name = "Whoosh (ours)"

    def __init__(self, app, brands):
        self.app, self.brands = app, brands

    def build(self) -> float:
        from portal.search import reindex

        started = time.perf_counter()
        with self.app.app_context():
            reindex()
        return time.perf_counter() - started

    def search(self, brand_id: int, text: str, limit: int = 10) -> list[int]:
        from portal.search import search_users

        return [hit.user_id for hit in search_users(self.brands[brand_id], text, limit)]


# --- running -------------------------------------------------------------------------------------
def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the rebuild's workers): unlike the
    wall time, it does not grow with whatever else the machine runs meanwhile."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure(engine, queries) -> dict:
    latencies, hits, by_kind = [], 0, defaultdict(lambda: [0, 0])
    for kind, brand, text, expected in queries:
        started = time.perf_counter()
        found = engine.search(brand + 1, text)
        latencies.append((time.perf_counter() - started) * 1000)
        hit = bool(set(found[:3]) & expected)
        hits += hit
        by_kind[kind][0] += hit
        by_kind[kind][1] += 1
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "top3": 100.0 * hits / len(queries), "kinds": {k: 100.0 * h / n for k, (h, n) in by_kind.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from portal import create_app
    from portal.brands.models import Brand
    from portal.extensions import db

    work = os.path.join(OUT_DIR, f"search-{args.users}u")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    db_path = os.path.join(work, "bench.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": SECRET_KEY,
                      "SEARCH_INDEX_DIR": os.path.join(work, "index")})
    with app.app_context():
        db.create_all()
    rng = random.Random(args.seed)
    people = make_people(args.users, rng)
    seconds = seed(app, people)
    queries = make_queries(people, args.queries, random.Random(args.seed + 1))
    print(f"seeded {args.users:,} users across {len(BRANDS)} brands in {seconds:.1f} s; "
          f"{len(queries)} labelled queries", flush=True)

    with app.app_context():
        brands = {b.id: b for b in db.session.scalars(db.select(Brand))}
        db.session.expunge_all()
    whoosh = WhooshSearch(app, brands)
    engines = [whoosh, LikeSearch(db_path), Fts5Search(db_path)]
    results = {}
    for engine in engines:
        cpu = cpu_seconds()
        build = engine.build()
        cpu = cpu_seconds() - cpu
        print(f"{engine.name}: built in {build:.1f} s ({cpu:.1f} s CPU), querying...", flush=True)
        with app.test_request_context():  # as in a GET: reads begin deferred
            results[engine.name] = dict(measure(engine, queries), build=build, cpu=cpu)
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    print_table(results, whoosh.name, args.users)
    return 0


def print_table(results: dict, reference: str, users: int) -> None:
    ours = results[reference]
    print(f"\nUser search, {users:,} users, 3 brands (targets: reindex < 20 s, p95 <= 30 ms, top-3 >= 95 %)")
    header = f"{'engine':<15}{'build s':>9}{'CPU s':>7}{'p50 ms':>9}{'p95 ms':>9}{'top-3 %':>9}{'p95 x ours':>12}{'top-3 x ours':>14}"
    print(header + "\n" + "-" * len(header))
    for name, r in results.items():
        print(f"{name:<15}{r['build']:>9.1f}{r['cpu']:>7.1f}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['top3']:>9.1f}"
              f"{r['p95'] / ours['p95']:>12.2f}{r['top3'] / ours['top3']:>14.2f}")
    kinds = list(ours["kinds"])
    print("\ntop-3 % by kind of query\n" + f"{'engine':<15}" + "".join(f"{k:>18}" for k in kinds))
    for name, r in results.items():
        print(f"{name:<15}" + "".join(f"{r['kinds'].get(k, 0):>18.1f}" for k in kinds))


if __name__ == "__main__":
    sys.exit(main())
