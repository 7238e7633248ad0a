"""Where an item of the guidelines comes from, and a text or a value with its provenance.

Standard library only: runs in CPython and in Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where an item comes from: the guideline (`quote`), a local definition, or Zendesk (official text)."""

    kind: str  # "guideline" | "local" | "zendesk"
    quote: str = ""
    note: str = ""
    owner_title: str = ""
    confirmed: bool = False
    anchor: str = ""  # of a local item: its entry on the "Pontos a confirmar" page

    @property
    def local(self) -> bool:
        """Not in the guideline: shown with the label "Não consta na diretriz"."""
        return self.kind == "local"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "quote": self.quote, "note": self.note, "owner_title": self.owner_title, "confirmed": self.confirmed,
                "anchor": self.anchor}

    @classmethod
    def of(cls, d: dict[str, Any]) -> Source:
        return cls(d["kind"], d.get("quote", ""), d.get("note", ""), d.get("owner_title", ""), bool(d.get("confirmed", False)),
                   d.get("anchor", ""))


@dataclass(frozen=True)
class Text:
    text: str
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source": self.source.to_dict()}

    @classmethod
    def of(cls, d: dict[str, Any]) -> Text:
        return cls(d["text"], Source.of(d["source"]))


@dataclass(frozen=True)
class Setting:
    """A billing value with the rule in words (when there is one) and its provenance."""

    value: Any
    text: str
    source: Source

    @classmethod
    def of(cls, d: dict[str, Any] | None, default: Any = None) -> Setting | None:
        if d is None:
            return None
        return cls(d.get("value", default), d.get("text", ""), Source.of(d["source"]))


# The provenance label, spelled here only: the pages' HTML label (templates/_label.j2), the page scripts (which
# clone the <template> the page carries), the ticket note, the terminal and the generated texts all take it from here.
LOCAL_LABEL = "Não consta na diretriz"
OWNER_PENDING = "a confirmar com"
OWNER_CONFIRMED = "confirmado com"


def is_local(source: Source | dict[str, Any] | None) -> bool:
    """Whether a source (typed, or as plain data) is a local definition, not the guideline's."""
    kind = source.kind if isinstance(source, Source) else (source or {}).get("kind")
    return kind == "local"


def local_suffix(source: Source | dict[str, Any] | None, brackets: str = "()") -> str:
    """The text label after a text the guideline does not state (" (não consta na diretriz)"), "" otherwise.
    `brackets`: the pair around it (the terminal writes "[…]")."""
    return f" {brackets[0]}{LOCAL_LABEL.lower()}{brackets[1]}" if is_local(source) else ""


def owner_status(confirmed: bool) -> str:
    """Where a local item stands with whoever confirms it: "a confirmar com" / "confirmado com"."""
    return OWNER_CONFIRMED if confirmed else OWNER_PENDING


def lower_first(text: str) -> str:
    """The site's own text after a colon goes on in lower case ("Atenção: a diretriz…"), unless its first word is a
    name or an acronym (a capital after its first letter: "TOTVS", "eSocial")."""
    first = text.split(" ")[0]
    return text[:1].lower() + text[1:] if first[1:] == first[1:].lower() else text


def answers_kept(kept: int) -> str:
    """How many answers of a link still hold in today's tree, as the notices say it."""
    return (f"as {kept} primeiras respostas foram mantidas" if kept > 1 else
            "a primeira resposta foi mantida" if kept == 1 else "nenhuma resposta pôde ser mantida")
