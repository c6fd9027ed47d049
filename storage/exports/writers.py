"""The export formats: rows of cells in, bytes out, a chunk at a time.

Each writer takes the header and an iterator of row batches (lists of cells) and
yields bytes as it goes, so an export of any size is held in memory one batch at a
time: CSV and JSON are encoded batch by batch; XLSX is written by openpyxl in its
write_only mode to a temporary file (a ZIP cannot be streamed before it is complete),
then that file is read back in chunks and deleted.

Spreadsheet cells that a spreadsheet would run as a formula are neutralised (CSV
injection, OWASP): in a CSV, a text beginning with =, +, -, @, a tab or a carriage
return gets a leading '; in an XLSX, every text is written as a text cell (the
format says what a cell is: a text cell is never run, and shows exactly what was
typed), and a date or a moment as a date cell. JSON is data for programs, not a
spreadsheet: its values stay as stored.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from storage.exports.columns import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024  # bytes read at a time from the XLSX file
XLSX_CELL_MAX = 32767  # characters a spreadsheet cell holds at most (Excel's limit)
FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

Rows = Iterable[Sequence[Cell]]


def neutralise(value: Cell) -> Cell:
    """A text beginning with a formula character (FORMULA_STARTS) with a leading ';
    any other value as is (a number is never a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(neutralise(value))


def write_csv(header: Sequence[str], batches: Iterable[Rows]) -> Iterator[bytes]:
    """CSV (RFC 4180, comma, CRLF), UTF-8 with a byte order mark (so a spreadsheet opens
    the accents right); empty cell for no answer, true/false for a bool."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_text(v) for v in row] for row in rows)
        yield buffer.getvalue().encode("utf-8")


# a cell holding only a date as stored ("2026-12-02") or a moment as exported
# ("2026-12-02T02:54:10-05:00", the service's local time with its offset)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")


def _xlsx_cell(sheet: Any, value: Cell) -> Any:
    """`value` as an XLSX cell: bools and numbers as such; a date ("2026-12-02") as a
    date cell shown yyyy-mm-dd, a moment ("...T02:54:10-05:00") as a date-time cell of
    its local time (a spreadsheet holds no offset) shown yyyy-mm-dd hh:mm:ss; any other
    text as a text cell, never a formula (openpyxl reads a text starting with = as
    one), characters XML cannot hold removed, cut at XLSX_CELL_MAX."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
    try:
        if _DATE.fullmatch(text):
            cell = WriteOnlyCell(sheet, value=date.fromisoformat(text))
            cell.number_format = "yyyy-mm-dd"
            return cell
        if _MOMENT.fullmatch(text):
            cell = WriteOnlyCell(sheet, value=datetime.fromisoformat(text).replace(tzinfo=None))
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
            return cell
    except ValueError:  # "2026-02-30": kept as typed, a text
        pass
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def write_xlsx(header: Sequence[str], batches: Iterable[Rows]) -> Iterator[bytes]:
    """One sheet, "dossiers": the header row, then a row per dossier, each cell as
    `_xlsx_cell` makes it (texts as text cells, never formulas; dates as dates). Built
    in a temporary file (deleted when done or abandoned)."""
    with tempfile.TemporaryFile(prefix="guichet-export-", suffix=".xlsx") as out:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("dossiers")
        sheet.append(list(header))
        for rows in batches:
            for row in rows:
                sheet.append([_xlsx_cell(sheet, v) for v in row])
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def write_json(header: Sequence[str], batches: Iterable[Rows],
               about: dict[str, object]) -> Iterator[bytes]:
    """A JSON object: `about`'s keys (type, version...), "columns" (the header) and
    "dossiers", one object per row, column name -> value (null for no answer)."""
    head = json.dumps({**about, "columns": list(header)}, ensure_ascii=False)
    yield (head[:-1] + ', "dossiers": [').encode("utf-8")
    first = True
    for rows in batches:
        parts = []
        for row in rows:
            record = json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
            parts.append(("\n" if first else ",\n") + record)
            first = False
        yield "".join(parts).encode("utf-8")
    yield b"\n]}\n"
