"""`guichet receipts verify`: whether a recap PDF, or a fingerprint, is one issued here.

The same check as the agents' page "Vérifier un récapitulatif" (storage.verify_receipt),
for a PDF received by email or on paper scanned back to its fingerprint.
"""

from __future__ import annotations

from pathlib import Path

import click

import storage
from web.cli.data import bound_store

OUTCOMES = {
    "match": "match",
    "altered": "ALTERED: this PDF names a submission issued here but its bytes differ",
    "unknown": "unknown: no submission issued here matches",
}


@click.group("receipts")
def receipts_group() -> None:
    """Recap PDFs' receipts: check one against the submissions kept."""


@receipts_group.command("verify")
@click.argument("pdf", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fingerprint", help="the fingerprint printed in a recap's footer "
                                    "(spaces, hyphens and case ignored)")
def receipts_verify(pdf: Path | None, fingerprint: str | None) -> None:
    """Say whether PDF (a recap file) or --fingerprint matches a submission, and which
    one: dossier number, submission number, date and definition version. Exit status 0
    on a match; 1 for an altered PDF or an unknown one; 2 for a usage mistake."""
    if (pdf is None) == (fingerprint is None):
        raise click.UsageError("give a PDF file or --fingerprint, one of them")
    with bound_store():
        check = (storage.verify_receipt(pdf_bytes=pdf.read_bytes()) if pdf is not None
                 else storage.verify_receipt(fingerprint=fingerprint))
    line = OUTCOMES[check.status]
    if check.number is not None and check.submitted_at is not None:
        line += (f": dossier {check.number}, submission {check.seq} of "
                 f"{storage.clock.local(check.submitted_at):%Y-%m-%d %H:%M} (Eastern time), "
                 f"definition version {check.definition_version}")
    click.echo(line)
    if check.status != "match":
        raise SystemExit(1)


def register(main: click.Group) -> None:
    """Add the receipts commands to the `guichet` group."""
    main.add_command(receipts_group)
