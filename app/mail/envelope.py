"""Names and addresses as a mail house prints them on an envelope.

Voter files shout (``MARIA ORTIZ``); envelopes do not. One person is "Maria Ortiz Jr."; two
of a household sharing a last name are "Maria & José Ortiz", with different ones "Maria Ortiz
& Sam Lee"; three or more are "The Ortiz Household" (the most common last name among them).

>>> envelope_name([Name("MARIA", "ORTIZ"), Name("JOSÉ", "ORTIZ")])
'Maria & José Ortiz'
>>> envelope_name([Name("MARIA", "ORTIZ"), Name("SAM", "LEE")])
'Maria Ortiz & Sam Lee'
>>> envelope_name([Name("ANA", "ORTIZ"), Name("LUIS", "ORTIZ"), Name("SAM", "LEE")])
'The Ortiz Household'
>>> envelope_name([Name("SEAN", "MCDONALD", suffix="JR")])
'Sean McDonald Jr.'
>>> salutation([Name("MARIA", "ORTIZ"), Name("JOSÉ", "ORTIZ")])
'Dear Maria and José'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Name", "address_lines", "envelope_name", "nice_case", "salutation"]

_SUFFIXES = {"JR": "Jr.", "SR": "Sr.", "II": "II", "III": "III", "IV": "IV", "V": "V"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Words a street keeps in capitals (directions, ordinals' letters stay lower: "59th").
_UPPER = {"N", "S", "E", "W", "NE", "NW", "SE", "SW", "PO", "II", "III", "IV"}


@dataclass(frozen=True)
class Name:
    first: str | None
    last: str | None
    middle: str | None = None
    suffix: str | None = None


def _word_case(word: str) -> str:
    lower = word.lower()
    if len(lower) > 2 and lower.startswith("mc"):
        return "Mc" + lower[2:].capitalize()
    return lower.capitalize()


def nice_case(text: str | None) -> str:
    """``O'BRIEN-SMITH`` -> ``O'Brien-Smith``; text already in mixed case is kept as typed."""
    if not text:
        return ""
    if text != text.upper():
        return text.strip()
    return _WORD.sub(lambda match: _word_case(match.group(0)), text.strip())


def _suffix(suffix: str | None) -> str:
    if not suffix:
        return ""
    key = suffix.upper().rstrip(".")
    return _SUFFIXES.get(key, nice_case(suffix))


def _one(name: Name) -> str:
    parts = (nice_case(name.first), nice_case(name.last), _suffix(name.suffix))
    return " ".join(part for part in parts if part)


def envelope_name(names: Sequence[Name]) -> str:
    """The name line of one envelope for ``names`` (the addressee first)."""
    if not names:
        return "Current Resident"
    if len(names) == 1:
        return _one(names[0]) or "Current Resident"
    lasts = [nice_case(n.last) for n in names if n.last]
    if len(names) == 2:
        first, second = names
        if (
            first.last
            and second.last
            and nice_case(first.last) == nice_case(second.last)
            and not first.suffix
            and not second.suffix
        ):
            return f"{nice_case(first.first)} & {nice_case(second.first)} {nice_case(first.last)}"
        return f"{_one(first)} & {_one(second)}"
    if not lasts:
        return "Current Resident"
    most = Counter(lasts).most_common(1)[0][0]
    return f"The {most} Household"


def salutation(names: Sequence[Name]) -> str:
    """ "Dear Maria", "Dear Maria and José", "Dear Ortiz Household"."""
    firsts = [nice_case(n.first) for n in names if n.first]
    if not firsts:
        return "Dear Neighbor"
    if len(names) == 1:
        return f"Dear {firsts[0]}"
    if len(names) == 2 and len(firsts) == 2:
        return f"Dear {firsts[0]} and {firsts[1]}"
    return "Dear " + envelope_name(names).removeprefix("The ")


def _street_case(text: str) -> str:
    if text != text.upper():
        return text
    words = []
    for word in text.split():
        if word in _UPPER:
            words.append(word)
        elif word[:1].isdigit():
            words.append(word.lower())  # 59TH -> 59th, 12B -> 12b
        else:
            words.append(nice_case(word))
    return " ".join(words)


def address_lines(line1: str, line2: str, city: str, state: str, zip: str) -> tuple[str, ...]:
    """(address 1, address 2, city, state, ZIP) in an envelope's case; the state stays
    upper-case, as the Postal Service wants it."""
    return (
        _street_case(line1.strip()),
        _street_case(line2.strip()),
        nice_case(city),
        state.strip().upper(),
        zip.strip(),
    )
