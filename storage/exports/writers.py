"""The export formats: rows of cells in, bytes out, a chunk at a time.

Each writer takes the header and an iterator of row batches (lists of cells) and
yields bytes as it goes, so an export of any size is held in memory one batch at a
time: CSV and JSON are encoded batch by batch; XLSX is written by openpyxl in its
write_only mode to a temporary file (a ZIP cannot be streamed before it is complete),
then that file is read back in chunks and deleted.

Spreadsheet cells that a spreadsheet would run as a formula are neutralised (CSV
injection, OWASP): a text beginning with =, +, -, @, a tab or a carriage return gets a
leading '. JSON is data for programs, not a spreadsheet: its values stay as stored.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
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


def _xlsx_value(value: Cell) -> Cell:
    value = neutralise(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
    return value


def write_xlsx(header: Sequence[str], batches: Iterable[Rows]) -> Iterator[bytes]:
    """One sheet, "dossiers": the header row, then a row per dossier; bools and numbers
    as such, texts neutralised, characters XML cannot hold removed, cut at
    XLSX_CELL_MAX. Built in a temporary file (deleted when done or abandoned)."""
    with tempfile.TemporaryFile(prefix="guichet-export-", suffix=".xlsx") as out:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("dossiers")
        sheet.append(list(header))
        for rows in batches:
            for row in rows:
                sheet.append([_xlsx_value(v) for v in row])
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
