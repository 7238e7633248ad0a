"""What a consultancy costs, as the guidelines set it: per mode, with the settings the guideline does not give.

Standard library only: runs in CPython and in Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from decision_tree.core.texts import Setting, Source, Text, local_suffix


@dataclass(frozen=True)
class TaxLine:
    name: str
    rate: Decimal


@dataclass(frozen=True)
class ModeBilling:
    summary: Text
    billed: Setting
    per_minute: Text | None = None
    minimum_minutes: Setting | None = None
    taxes: Setting | None = None
    waiver: Setting | None = None
    waiver_reading: Text | None = None  # what the waiver implies and does not say
    payers: Setting | None = None
    payer_audiences: tuple[str, ...] = ()  # the audiences `payers.text` speaks of (empty: all)
    payer_otherwise: Text | None = None  # who pays, in words, for the other audiences

    @property
    def is_billed(self) -> bool:
        return bool(self.billed.value)

    @property
    def minimum(self) -> int:
        return int(self.minimum_minutes.value) if self.minimum_minutes else 0

    @property
    def plus_taxes(self) -> bool:
        return bool(self.taxes and self.taxes.value)

    @property
    def waivable(self) -> bool:
        return bool(self.waiver and self.waiver.value)

    def payer(self, audience: str) -> str | None:
        return self.payers.value.get(audience) if self.payers and self.is_billed else None

    def payer_rule(self, audience: str | None) -> Text | None:
        """Who pays, in words, for this audience: the rule that speaks of it, or the one for the others."""
        if not self.payers or not self.is_billed:
            return None
        if audience is None or not self.payer_audiences or audience in self.payer_audiences:
            return Text(self.payers.text, self.payers.source) if self.payers.text else None
        return self.payer_otherwise

    def rules(self, audience: str | None = None) -> list[Text]:
        """The mode's billing rules in words, each with its provenance (site, wizard, calculator). With an
        audience, only the payer rule that applies to it; without, every rule (each says whom it concerns)."""
        found = [Text(s.text, s.source) for s in (self.billed, self.waiver) if s and s.text]
        if self.per_minute:
            found.insert(1, self.per_minute)
        if self.waiver_reading:
            found.append(self.waiver_reading)
        if audience is None:
            found += [t for t in (self.payer_rule(None), self.payer_otherwise) if t]
        elif (rule := self.payer_rule(audience)) is not None:
            found.append(rule)
        return found


@dataclass(frozen=True)
class Payer:
    """Who pays for a consultancy requested by an audience: the payer's id and title, and the rule that says so."""

    id: str
    title: str
    rule: Text | None  # None: no rule speaks of this audience (the value alone, which the guideline does not state)

    @property
    def labelled_title(self) -> str:
        """The title, followed by the text label when the guideline does not say so (the pages' tabs and arrows)."""
        return self.title + local_suffix(self.rule.source if self.rule else {"kind": "local"})


@dataclass(frozen=True)
class Billing:
    currency: str
    payers: dict[str, str]
    client_payer: str
    rate_per_minute: Setting
    taxes: tuple[TaxLine, ...]
    taxes_source: Source
    partial_minutes: Setting  # value "up" | "exact"; text = the rule in words
    money_rounding: Text
    max_minutes: int
    max_rate_per_minute: Decimal
    modes: dict[str, ModeBilling]

    @property
    def reference_rate(self) -> Decimal:
        return Decimal(self.rate_per_minute.value)

    def is_billed(self, mode: str) -> bool:
        return self.modes[mode].is_billed

    def payer(self, mode: str, audience: str | None) -> Payer | None:
        """Who pays for a consultancy of `mode` requested by `audience` (None: not billed, or no audience)."""
        rules = self.modes[mode]
        payer = rules.payer(audience) if audience else None
        return Payer(payer, self.payers[payer], rules.payer_rule(audience)) if payer else None


def billing_of(b: dict[str, Any]) -> Billing:
    modes = {
        mode: ModeBilling(
            summary=Text.of(r["summary"]),
            billed=Setting.of(r["billed"]),  # type: ignore[arg-type]
            per_minute=Text.of(r["per_minute"]) if "per_minute" in r else None,
            minimum_minutes=Setting.of(r.get("minimum_minutes")),
            taxes=Setting.of(r.get("taxes")),
            waiver=Setting.of(r.get("waiver")),
            waiver_reading=Text.of(r["waiver"]["reading"]) if "reading" in r.get("waiver", {}) else None,
            payers=Setting.of(r.get("payers")),
            payer_audiences=tuple(r.get("payers", {}).get("audiences", ())),
            payer_otherwise=Text.of(r["payers"]["otherwise"]) if "otherwise" in r.get("payers", {}) else None,
        )
        for mode, r in b["modes"].items()
    }
    return Billing(
        currency=b["currency"],
        payers=dict(b["payers"]),
        client_payer=b["client_payer"],
        rate_per_minute=Setting.of(b["rate_per_minute"]),  # type: ignore[arg-type]
        taxes=tuple(TaxLine(t["name"], Decimal(t["rate"])) for t in b["taxes"]["items"]),
        taxes_source=Source.of(b["taxes"]["source"]),
        partial_minutes=Setting(b["partial_minutes"]["value"], b["partial_minutes"]["clause"], Source.of(b["partial_minutes"]["source"])),
        money_rounding=Text.of(b["money_rounding"]),
        max_minutes=int(b["limits"]["max_minutes"]),
        max_rate_per_minute=Decimal(b["limits"]["max_rate_per_minute"]),
        modes=modes,
    )
