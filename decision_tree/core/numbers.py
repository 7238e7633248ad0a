"""Numbers as Brazilians type them, read one way by the CLI and the page alike.

Standard library only (runs in Pyodide too). The reading:

- a comma is the decimal separator: `12,5`;
- a dot groups thousands, and only in a valid grouping: `1.234`, `1.234.567,89`;
- spaces around are ignored, and so is the unit of the field: `R$` in front of
  money (`R$ 2,00`, `R$2`), `%` after a percentage (`0,65 %`);
- anything else is refused with a message that shows how the text was read
  (`1.5`, `12 5`, `1,2,3`, `²`), never guessed: a wrong price must not pass.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<frac>[0-9]+))?")
_UNITS = {"R$": re.compile(r"^R\$\s*", re.IGNORECASE), "%": re.compile(r"\s*%$")}
_SPACES = "\u00a0\u202f\u2009 \t"


def grouped(value: int) -> str:
    """An integer as a Brazilian writes it: 100000 → 100.000."""
    return f"{value:,}".replace(",", ".")


def _why(text: str) -> str:
    """How a refused text was read, in words a person understands."""
    if re.search(r"[0-9][\s\u00a0\u202f\u2009]+[0-9]", text):
        return "há um espaço no meio do número"
    if text.count(",") > 1:
        return "há mais de uma vírgula"
    if "." in text and "," in text and text.rfind(".") > text.rfind(","):
        return "o ponto vem depois da vírgula; o ponto só separa milhares (1.234,56)"
    if re.search(r"[0-9]\.[0-9]", text):
        return "o ponto só separa milhares, de três em três algarismos (1.234); para decimais use vírgula (1,5)"
    if text.startswith(","):
        return "falta o zero antes da vírgula (0,5)"
    if re.search(r"[^\d\s.,\-R$]", text, re.IGNORECASE) or any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        return "use só algarismos de 0 a 9, vírgula para decimais e ponto para milhares"
    return "use algarismos, vírgula para decimais e ponto para milhares (ex.: 1.234,5)"


def parse_number(value: Any, label: str, *, max_decimals: int, unit: str = "") -> Decimal:
    """A number typed by a person (see the module's reading); `unit` ("R$" or "%") may be typed with it.
    Raises ValueError with a pt-BR message."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValueError(f"{label}: informe um número.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        text = format(value, "f").replace(".", ",")
    else:
        text = value.strip(_SPACES)
        if unit:
            text = _UNITS[unit].sub("", text).strip(_SPACES)
    shown = str(value).strip()[:40]
    if not text:
        raise ValueError(f"{label}: campo vazio; informe um número.")
    match = _NUMBER.fullmatch(text)
    if not match:
        raise ValueError(f"{label}: “{shown}” não foi aceito: {_why(text)}.")
    frac = match["frac"] or ""
    if len(frac) > max_decimals:
        raise ValueError(f"{label}: “{shown}” tem {len(frac)} casas decimais; use no máximo {max_decimals}.")
    try:
        number = Decimal(f"{match['sign']}{match['whole'].replace('.', '')}.{frac or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"{label}: “{shown}” não é um número.") from None
    return number.copy_abs() if number == 0 else number


def parse_flag(value: Any, label: str) -> bool:
    """A yes/no flag from the page or the CLI: only a real boolean is accepted."""
    if not isinstance(value, bool):
        raise ValueError(f"{label}: informe sim ou não.")
    return value
