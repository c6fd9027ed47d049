"""/agent/dossiers/inscrire and /agent/dossiers/importer: an agent registers existing
dossiers as `guichet dossiers register-existing` and `import` do (same rules), only of
the types granted; the applicant then links the dossier; every registration audited
with the agent and the address; the import's report gives line numbers and reasons."""

from __future__ import annotations

import io
import re

from pony.orm import db_session

import storage
from storage.orm.db import database
from tests.definitions import ESSAI
from tests.web.test_link import NUMBER, person, search

ROW = {"type": ESSAI, "number": "g2100076952", "given_name": "Gunter",
       "family_name": "DiCaprio", "sex": "M", "birth_date": "1970-07-01"}
HEADER = "type,number,given_name,family_name,sex,birth_date\n"
SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


def _registers(number: str) -> list[tuple[str, str | None]]:
    with db_session:
        return [(e.actor, e.address) for e in database().AuditEvent.select(
            lambda e: e.action == "register" and e.dossier.number == number)]


def test_register_page__the_applicant_then_links_the_dossier(app, agent):
    page = agent.get("/agent/dossiers/inscrire")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Inscrire un dossier existant" in html and 'href="/agent/dossiers/inscrire"' in html
    done = agent.post("/agent/dossiers/inscrire", ROW)
    assert done.status_code == 201
    assert "Dossier G2100076952 inscrit." in done.get_data(as_text=True)
    assert _registers(NUMBER) == [(f"agent:{agent.id}", "127.0.0.1")]
    gunter = person(app)
    assert search(gunter).status_code == 302  # "Identifier mon dossier" finds it
    assert NUMBER in gunter.get("/dossiers/").get_data(as_text=True)
    # the agent still reads the names as registered (the passport's spelling) beside
    # the profile's ("GÜNTER dicaprio"): found by an agents' trial, they were gone
    facts = agent.get(f"/agent/dossiers/{NUMBER}").get_data(as_text=True)
    assert re.search(r"<dt>Identité inscrite</dt><dd>Gunter DiCaprio</dd>", facts)
    assert "GÜNTER" in facts


def test_register_page__errors_next_to_their_fields_and_in_the_summary(agent):
    agent.get("/agent/dossiers/inscrire")
    missing = agent.post("/agent/dossiers/inscrire", {**ROW, "given_name": " ", "sex": ""})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422
    summary = SUMMARY.search(html).group(0)
    assert 'href="#f-given_name"' in summary and 'href="#f-sex"' in summary
    assert html.count("Entrez le ou les prénoms.") == 2  # summary and field
    assert 'value="DiCaprio"' in html  # what was typed is kept
    malformed = agent.post("/agent/dossiers/inscrire", {**ROW, "number": "G21-0076952"})
    assert malformed.status_code == 422
    assert ("Le numéro « G21-0076952 » n’a pas la forme attendue pour ce type de dossier, "
            "par exemple G2200045108.") in malformed.get_data(as_text=True)
    future = agent.post("/agent/dossiers/inscrire", {**ROW, "birth_date": "2999-01-01"})
    assert "La date de naissance « 2999-01-01 » doit être passée." in future.get_data(
        as_text=True)
    bad_date = agent.post("/agent/dossiers/inscrire", {**ROW, "birth_date": "01/07/1970"})
    assert 'href="#f-birth_date"' in SUMMARY.search(bad_date.get_data(as_text=True)).group(0)
    assert agent.post("/agent/dossiers/inscrire", ROW).status_code == 201
    again = agent.post("/agent/dossiers/inscrire", ROW)
    assert again.status_code == 422
    assert "Le dossier G2100076952 est déjà inscrit." in again.get_data(as_text=True)
    assert len(_registers(NUMBER)) == 1


def test_register_page__every_mistake_at_once_each_by_its_field(agent):
    """Found by an agents' trial: only the first mistake was said (the sex, not the date
    too); a 201-character name said "Vérifiez le numéro" under the number; a birth date
    before 1900, which no profile accepts (so no applicant could ever link the dossier),
    was registered."""
    agent.get("/agent/dossiers/inscrire")
    several = agent.post("/agent/dossiers/inscrire", {
        **ROW, "number": "bad", "given_name": "A" * 201, "sex": "Q",
        "birth_date": "1988-02-30"})
    html = several.get_data(as_text=True)
    assert several.status_code == 422
    summary = SUMMARY.search(html).group(0)
    assert [m for m in re.findall(r'href="#f-(\w+)"', summary)] == [
        "number", "given_name", "sex", "birth_date"]
    assert "Le ou les prénoms comptent au plus 200 caractères." in html
    assert "Date de naissance « 1988-02-30 » invalide" in html
    assert "Vérifiez le numéro" not in html
    old = agent.post("/agent/dossiers/inscrire", {**ROW, "birth_date": "1899-12-31"})
    assert old.status_code == 422
    assert "La date de naissance « 1899-12-31 » est trop ancienne" in old.get_data(
        as_text=True)
    assert _registers(NUMBER) == []
    assert "Tous les champs sont obligatoires." in html
    # a name of invisible characters only is missing (no profile could match it); a
    # decomposed "é" (as macOS pastes it) counts as one character, as the profile counts
    invisible = agent.post("/agent/dossiers/inscrire", {**ROW, "given_name": "\u200b\u00a0"})
    assert invisible.status_code == 422
    assert "Entrez le ou les prénoms." in invisible.get_data(as_text=True)
    composed = agent.post("/agent/dossiers/inscrire",
                          {**ROW, "family_name": "Le\u0301" * 66 + "Lu"})
    assert composed.status_code == 201


def test_registered_name__only_for_a_registered_dossier(maria, agent):
    """An applicant's own dossier keeps the profile's names in the registered columns:
    no "Identité inscrite" line for it (found by a trial: it was shown, misleading)."""
    number = maria.submitted_dossier()
    assert "Identité inscrite" not in agent.get(f"/agent/dossiers/{number}").get_data(
        as_text=True)


def test_import__every_reason_of_a_row_said(agent):
    agent.get("/agent/dossiers/importer")
    data = (HEADER + f"{ESSAI},G12,{'A' * 201},Dupont,,1988-02-30\n").encode()
    report = agent.post("/agent/dossiers/importer",
                        {"file": (io.BytesIO(data), "dossiers.csv")},
                        content_type="multipart/form-data")
    html = report.get_data(as_text=True)
    for reason in ("Choisissez le sexe indiqué sur le passeport.",
                   "Le numéro « G12 » n’a pas la forme attendue",
                   "Le ou les prénoms comptent au plus 200 caractères.",
                   "Date de naissance « 1988-02-30 » invalide"):
        assert reason in html, reason


def test_register_page__in_english(agent):
    agent.get("/agent/dossiers/inscrire")
    agent.post("/agent/langue", {"lang": "en", "next": "/agent/dossiers/inscrire"})
    answer = agent.post("/agent/dossiers/inscrire", {**ROW, "sex": "Q"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Register an existing file" in html
    assert "Unknown sex “Q”: write F, M or X." in html


def test_register_page__only_the_types_granted(app, agent):
    html = agent.get("/agent/dossiers/inscrire").get_data(as_text=True)
    assert f'value="{ESSAI}"' in html and 'value="atelier"' not in html
    answer = agent.post("/agent/dossiers/inscrire", {**ROW, "type": "atelier"})
    assert answer.status_code == 422
    assert "Type de dossier inconnu ou non attribué : « atelier ». Types possibles : essai." \
        in answer.get_data(as_text=True)
    with db_session:
        assert not database().Dossier.exists(number=NUMBER)


def _upload(agent, text: str | bytes, name: str = "dossiers.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    agent.get("/agent/dossiers/importer")
    return agent.post("/agent/dossiers/importer", {"file": (io.BytesIO(data), name)},
                      content_type="multipart/form-data")


def test_import__report_of_rows_registered_and_refused_with_lines_and_reasons(agent):
    text = ("\ufeff" + HEADER
            + "essai,G2100076952,Gunter,DiCaprio,M,1970-07-01\n"
            + "\n"
            + "essai,G2100076953,Ana,Lopez,F,1970-13-01\n"
            + "atelier,G2100076954,Ana,Lopez,F,1980-01-01\n"
            + "essai,G2100076952,Gunter,DiCaprio,M,1970-07-01\n"
            + "essai,g2100076955,Léa,Côté,X,1991-02-03\n")
    answer = _upload(agent, text)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "2 lignes inscrites, 3 lignes refusées." in html
    refused = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", html)
    assert ("4", "Date de naissance « 1970-13-01 » invalide : écrivez-la AAAA-MM-JJ, par "
                 "exemple 1990-04-25.") in refused
    assert ("5", "Type de dossier inconnu ou non attribué : « atelier ». Types possibles : "
                 "essai.") in refused
    assert ("6", "Le dossier G2100076952 est déjà inscrit.") in refused
    assert ("2", "G2100076952") in refused and ("7", "G2100076955") in refused
    assert _registers("G2100076955") == [(f"agent:{agent.id}", "127.0.0.1")]
    with db_session:
        (event,) = database().AuditEvent.select(lambda e: e.action == "import")
        assert event.detail == {"registered": 2, "refused": 3}
        assert event.actor == f"agent:{agent.id}"


def test_import__a_file_that_cannot_be_read_registers_nothing(agent):
    lacking = _upload(agent, "type,number,given_name\nessai,G2100076952,Gunter\n")
    assert lacking.status_code == 422
    html = lacking.get_data(as_text=True)
    assert ("La première ligne du fichier doit nommer les colonnes ; il manque : "
            "family_name, sex, birth_date.") in html
    assert 'href="#f-file"' in SUMMARY.search(html).group(0)
    latin1 = _upload(agent, (HEADER + "essai,G2100076952,Gérard,Côté,M,1970-07-01\n")
                     .encode("latin-1"))
    assert latin1.status_code == 422
    assert "en UTF-8" in latin1.get_data(as_text=True)
    agent.get("/agent/dossiers/importer")
    nothing = agent.post("/agent/dossiers/importer", {}, content_type="multipart/form-data")
    assert nothing.status_code == 422
    assert "Choisissez un fichier CSV qui contient des lignes." in nothing.get_data(as_text=True)
    with db_session:
        assert not database().Dossier.exists(number=NUMBER)


def test_import__a_file_larger_than_a_form_post_is_accepted(app, agent):
    note = "x" * 100_000  # an extra column, ignored
    rows = "".join(f"essai,G21{i:08d},Léa,Côté,F,1980-01-01,{note}\n" for i in range(3))
    assert len(rows.encode()) > app.config["MAX_CONTENT_LENGTH"]
    answer = _upload(agent, HEADER.strip() + ",note\n" + rows)
    assert answer.status_code == 200
    assert "3 lignes inscrites, 0 ligne refusée." in answer.get_data(as_text=True)


def test_register_and_import_need_an_agent(app, maria):
    assert maria.get("/agent/dossiers/inscrire").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get("/agent/dossiers/importer").status_code == 303
    assert storage.list_agents() == []


def test_import__semicolons_accepted_and_an_extra_value_refused_with_its_line(agent):
    text = (HEADER.replace(",", ";") + "essai;G2100076952;Gunter;DiCaprio;M;1970-07-01\n"
            + "essai;G2100076953;Ana;Lopez;F;1980-01-01;de trop\n")
    answer = _upload(agent, text)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "1 ligne inscrite, 1 ligne refusée." in html
    refused = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", html)
    assert ("3", "Cette ligne contient 7 valeurs, mais l’en-tête nomme 6 colonnes : mettez "
                 "entre guillemets une valeur qui contient une virgule.") in refused
