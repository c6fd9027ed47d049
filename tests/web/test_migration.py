"""A draft moves to the newest version when the designer declares `drafts: migrate`
(issue 14, items 3-5), end to end through the pages.

Maria has a version-3 draft of `essai` (city Montréal, another language named) and a
submitted dossier. The portal restarts with a version 4 that renames the option
`montreal` to `mtl`, drops the field `autre_langue`, adds a required question and says
`drafts: migrate`. Her draft opens on version 4: Montréal still ticked, the migration's
message shown once and in the message centre, the new question asked, the section's
green check gone, the recap without a raw code, the dropped answer in the archive.
"""

from __future__ import annotations

import re

from flask import Flask

import storage
from tests.definitions import IDENTITE, RENDEZ_VOUS
from tests.web.test_versions import (
    ESSAI_TEXT,
    essai_registry,
    maria_id,
    page,
    person,
    portal_with,
    v3_portal,  # noqa: F401  (fixture)
)
from web import store_of

NEW_QUESTION = """      - id: accompagnant
        type: yesno
        label: {fr: "Viendrez-vous accompagné ?", en: "Will someone come with you?"}

      - id: mode
"""
AUTRE_LANGUE = ESSAI_TEXT[ESSAI_TEXT.index("      - id: autre_langue\n"):
                          ESSAI_TEXT.index("      - id: creneaux\n")]
MIGRATION = """version: 4
drafts: migrate
migrations:
  - from: 3
    rename_options: {ville: {montreal: mtl}}
    drop_fields: [autre_langue]
    message:
      fr: Le formulaire d'essai a changé, merci de le vérifier.
      en: The test form changed, please check it.
"""
V4_MIGRATE = (ESSAI_TEXT.replace("version: 3\n", MIGRATION, 1)
              .replace("{value: montreal, label:", "{value: mtl, label:", 1)
              .replace("      - id: mode\n", NEW_QUESTION, 1)
              .replace(AUTRE_LANGUE, "", 1)
              .replace("when: {langues: {contains: autre}}", "when: {francais: false}"))
CHECK = 'class="check check--valid"'


def nav_item(html: str, section: str) -> str:
    return re.search(rf'<a href="[^"]*{section}"[^>]*>(.*?)</a>', html, re.S).group(1)


def drawn_at_v3(maria, draft: str) -> tuple[str, dict[str, str]]:
    """The rendez_vous page of `draft` as the v3 portal draws it, and the hidden fields
    its form posts back (definition version, dossier version)."""
    old_page = page(maria, maria.section_url(draft, "rendez_vous"))
    return old_page, {"definition_version": "3", "version": re.search(
        r'name="version" value="(\d+)"', old_page).group(1)}


def test_migrate__v3_draft_opened_on_v4__renamed_ticked_told_once_asked_archived(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    maria = person(v3_portal, register=True)
    draft = maria.create_dossier()
    assert maria.fill(draft, "identite", IDENTITE).status_code == 302
    assert maria.fill(draft, "rendez_vous", RENDEZ_VOUS).status_code == 302
    before = page(maria, maria.section_url(draft, "identite"))
    assert CHECK in nav_item(before, "rendez_vous")
    submitted = maria.submitted_dossier()

    v4 = portal_with(essai_registry(V4_MIGRATE), instance_dir)
    maria = person(v4)
    html = page(maria, maria.section_url(draft, "rendez_vous"))
    assert 'value="mtl" selected' in html
    assert "Le formulaire a été mis à jour" in html
    assert "Le formulaire d&#39;essai a changé, merci de le vérifier." in html
    start = html.index("migration-notice")
    notice = html[start:html.index("</div>", start)]
    assert "Rendez-vous" in notice and "Viendrez-vous accompagné ?" in notice
    assert 'name="accompagnant"' in html
    assert CHECK not in nav_item(html, "rendez_vous")  # it now needs an answer
    assert CHECK in nav_item(html, "identite")
    again = page(maria, maria.section_url(draft, "rendez_vous"))
    assert "Le formulaire a été mis à jour" not in again  # once
    with store_of(v4).bound():
        account = maria_id(draft)
        [message] = [m for m in storage.list_messages(account) if m.dossier_number == draft]
        assert draft in message.subject
        assert "Le formulaire d'essai a changé" in message.body
        assert "Viendrez-vous accompagné ?" in message.body
        assert "?." not in message.body  # a question ends the list: no dot after it
        dossier = storage.get_dossier(account, draft)
        assert dossier.definition_version == 4 and dossier.answers["ville"] == "mtl"
        assert "autre_langue" not in dossier.answers
        assert [(a.field_id, a.value, a.why) for a in storage.archived_answers(draft)] == [
            ("autre_langue", "Wolof", "dropped_by_migration")]
        assert storage.get_dossier(account, submitted).definition_version == 3
    recap = page(maria, f"/dossiers/{draft}/recapitulatif")
    assert "Montréal" in recap and "Réponse à revoir" not in recap
    assert ">montreal<" not in recap and ">mtl<" not in recap and "Wolof" not in recap
    assert maria.fill(draft, "rendez_vous", {**RENDEZ_VOUS, "ville": "mtl",
                                             "accompagnant": "false"}).status_code == 302
    assert CHECK in nav_item(page(maria, maria.section_url(draft, "identite")), "rendez_vous")
    store_of(v4).disconnect()


def test_migrate__page_left_open_across_the_deploy__redrawn_never_saved_as_it_was(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    maria = person(v3_portal, register=True)
    draft = maria.create_dossier()
    assert maria.fill(draft, "rendez_vous", RENDEZ_VOUS).status_code == 302
    old_page, hidden = drawn_at_v3(maria, draft)
    assert 'name="definition_version" value="3"' in old_page
    stale = {**RENDEZ_VOUS, **hidden}

    v4 = portal_with(essai_registry(V4_MIGRATE), instance_dir)
    maria = person(v4)
    url = maria.section_url(draft, "rendez_vous")
    # a question updated on the old page (htmx): the whole page is drawn again
    response = maria.post(url + "/actualiser", stale, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Refresh"] == "true"
    html = page(maria, url)  # ...migrated, told, the renamed option ticked
    assert 'value="mtl" selected' in html and "Le formulaire a été mis à jour" in html
    assert "Le formulaire a été mis à jour pendant que vous le remplissiez" in html
    # the old page's leaving save (guichet.js, as the page unloads): refused, nothing
    # said on a later page
    leaving = maria.post(url, {**stale, "guichet_leaving": "1"})
    assert leaving.status_code == 409
    assert "pendant que vous le remplissiez" not in page(maria, url)
    # ENREGISTRER on the old page, after the draft moved on: nothing stored as it was
    response = maria.post(url, stale)
    assert response.status_code == 302 and response.location == url
    html = page(maria, url)
    assert "Le formulaire a été mis à jour pendant que vous le remplissiez" in html
    assert 'value="mtl" selected' in html
    with store_of(v4).bound():
        dossier = storage.get_dossier(maria_id(draft), draft)
        assert dossier.definition_version == 4 and dossier.answers["ville"] == "mtl"
        kept = {a.field_id for a in storage.archived_answers(draft)}
        assert set(RENDEZ_VOUS) - {"autre_langue"} <= set(dossier.answers) | kept
    store_of(v4).disconnect()


def test_migrate__first_thing_after_the_deploy_is_a_save_of_the_old_page__saved_and_told(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    maria = person(v3_portal, register=True)
    draft = maria.create_dossier()
    posted = {**RENDEZ_VOUS, **drawn_at_v3(maria, draft)[1]}

    v4 = portal_with(essai_registry(V4_MIGRATE), instance_dir)
    maria = person(v4)
    url = maria.section_url(draft, "rendez_vous")
    response = maria.post(url, posted)  # ENREGISTRER without JavaScript, from the v3 page
    assert response.status_code == 302
    html = page(maria, response.location)
    assert "Le formulaire d&#39;essai a changé, merci de le vérifier." in html  # told once
    assert 'value="mtl" selected' in html
    # the language typed on the v3 page into the question v4 drops: archived, and named
    assert RENDEZ_VOUS["autre_langue"] == "Wolof"
    assert ("Questions retirées du formulaire (vos réponses restent au dossier) : "
            "Laquelle ?") in html
    assert "Le formulaire d&#39;essai a changé" not in page(maria, url)
    with store_of(v4).bound():
        dossier = storage.get_dossier(maria_id(draft), draft)
        assert dossier.definition_version == 4 and dossier.answers["ville"] == "mtl"
        assert [(a.field_id, a.value, a.from_version) for a in storage.archived_answers(
            draft)] == [("autre_langue", "Wolof", 3)]
    store_of(v4).disconnect()


def test_migrate__valid_answers_saved_from_the_old_page__judged_by_the_new_version(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    """Found by a designer's trial: complete answers saved from the v3 page after v4
    (which only renames an option) said "enregistrées, mais certaines sont à corriger"
    and showed no error: they were judged, once migrated, by version 3, which does not
    know `mtl`. They are judged by the version they moved to."""
    maria = person(v3_portal, register=True)
    draft = maria.create_dossier()
    posted = {**RENDEZ_VOUS, **drawn_at_v3(maria, draft)[1]}
    only_renamed = (ESSAI_TEXT.replace("version: 3\n", MIGRATION.replace(
        "    drop_fields: [autre_langue]\n", ""), 1)
        .replace("{value: montreal, label:", "{value: mtl, label:", 1))

    v4 = portal_with(essai_registry(only_renamed), instance_dir)
    maria = person(v4)
    url = maria.section_url(draft, "rendez_vous")
    response = maria.post(url, posted)
    assert response.status_code == 302 and response.location == url  # not ?verifier=1
    html = page(maria, url)
    assert "Vos réponses ont été enregistrées." in html
    assert "certaines sont à corriger" not in html
    store_of(v4).disconnect()


KEPT_NOTICE = "Des réponses que vous aviez saisies sur la page de l&#39;ancien formulaire"
TYPED = {**RENDEZ_VOUS, "mode": "sur_place", "besoins": "Fauteuil roulant"}


def old_page_then_v4(portal: Flask, instance_dir: str, *, opened_elsewhere: bool = True):
    """Maria's v3 draft (RENDEZ_VOUS saved) with its rendez_vous page drawn at v3, then the
    portal on v4 (`drafts: migrate`); the draft opened there first (another tab) unless
    `opened_elsewhere` is False. (maria, draft, v4, section url, the old page's hidden
    fields)."""
    maria = person(portal, register=True)
    draft = maria.create_dossier()
    assert maria.fill(draft, "rendez_vous", RENDEZ_VOUS).status_code == 302
    hidden = drawn_at_v3(maria, draft)[1]
    v4 = portal_with(essai_registry(V4_MIGRATE), instance_dir)
    maria = person(v4)
    url = maria.section_url(draft, "rendez_vous")
    if opened_elsewhere:
        assert "Le formulaire a été mis à jour" in page(maria, url)
    return maria, draft, v4, url, hidden


def stored_mode(v4: Flask, draft: str) -> str:
    with store_of(v4).bound():
        dossier = storage.get_dossier(maria_id(draft), draft)
        assert dossier.definition_version == 4
        return dossier.answers["mode"]


def test_migrate__typed_on_the_old_page_then_saved__offered_in_the_new_form_not_lost(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    """Found in a review: ENREGISTRER on a page left open while the draft moved to v4 (in
    another tab) redrew the page from the stored answers: what was typed since was lost.
    It is kept aside in v4's terms (the renamed option ticked) and offered, not saved."""
    maria, draft, v4, url, hidden = old_page_then_v4(v3_portal, instance_dir)
    response = maria.post(url, {**TYPED, **hidden})
    assert response.status_code == 302 and response.location == url
    html = page(maria, url)
    assert "Réponses non enregistrées" in html and KEPT_NOTICE in html
    assert "avant la fin de votre session" not in html
    assert "Le formulaire a été mis à jour pendant que vous le remplissiez" in html
    assert 'value="mtl" selected' in html
    assert re.search(r'value="sur_place"[^>]*checked', html)
    assert "Fauteuil roulant" in html
    assert stored_mode(v4, draft) == "en_ligne"  # nothing saved as it was
    again = page(maria, url)  # offered until saved or discarded
    assert KEPT_NOTICE in again and "Fauteuil roulant" in again
    # ENREGISTRER on the new page saves them; the notice goes
    version = re.search(r'name="version" value="(\d+)"', again).group(1)
    saved = maria.post(url, {**TYPED, "ville": "mtl", "accompagnant": "false",
                             "definition_version": "4", "version": version})
    assert saved.status_code == 302
    assert "Réponses non enregistrées" not in page(maria, url)
    assert stored_mode(v4, draft) == "sur_place"
    store_of(v4).disconnect()


def test_migrate__old_page_left_or_updated_with_htmx__typed_answers_kept_too(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    maria, draft, v4, url, hidden = old_page_then_v4(v3_portal, instance_dir)
    # the leaving save (guichet.js, following a link): 409, nothing said, but kept
    leaving = maria.post(url, {**TYPED, **hidden, "guichet_leaving": "1"})
    assert leaving.status_code == 409
    html = page(maria, url)
    assert KEPT_NOTICE in html and "Fauteuil roulant" in html
    assert "pendant que vous le remplissiez" not in html
    assert maria.post(url + "/ignorer", {}).status_code == 302
    assert "Fauteuil roulant" not in page(maria, url)
    # a question updated on the old page (htmx): the whole page again, the typing kept
    changed = {**TYPED, **hidden, "besoins": "Interprète"}
    response = maria.post(url + "/actualiser", changed, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Refresh"] == "true"
    html = page(maria, url)
    assert KEPT_NOTICE in html and "Interprète" in html
    assert stored_mode(v4, draft) == "en_ligne"
    store_of(v4).disconnect()


def test_migrate__old_page_updated_before_the_draft_moved__moved_and_typing_kept(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    """The first request after the deploy is an update of the old page (a condition's
    question changed): the draft is moved on then, and what was typed kept in v4's terms."""
    maria, draft, v4, url, hidden = old_page_then_v4(v3_portal, instance_dir,
                                                     opened_elsewhere=False)
    response = maria.post(url + "/actualiser", {**TYPED, **hidden})  # without JavaScript
    assert response.status_code == 302 and response.location == url
    html = page(maria, url)
    assert "Le formulaire d&#39;essai a changé, merci de le vérifier." in html  # told
    assert KEPT_NOTICE in html and 'value="mtl" selected' in html
    assert "Fauteuil roulant" in html
    assert stored_mode(v4, draft) == "en_ligne"
    store_of(v4).disconnect()


def test_migrate__old_page_saved_unchanged__nothing_offered(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    maria, draft, v4, url, hidden = old_page_then_v4(v3_portal, instance_dir)
    assert maria.post(url, {**RENDEZ_VOUS, **hidden}).status_code == 302
    html = page(maria, url)
    assert "Le formulaire a été mis à jour pendant que vous le remplissiez" in html
    assert "Réponses non enregistrées" not in html
    store_of(v4).disconnect()


def test_migrate__old_page_of_a_section_v4_removed__leads_to_the_dossier(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    maria = person(v3_portal, register=True)
    draft = maria.create_dossier()
    hidden = drawn_at_v3(maria, draft)[1]
    start = ESSAI_TEXT.index("  - id: rendez_vous\n")
    end = ESSAI_TEXT.index("\nworkflow:", start)  # the last section
    without = (ESSAI_TEXT[:start] + ESSAI_TEXT[end + 1:]).replace(
        "version: 3\n", MIGRATION.replace(
            "    rename_options: {ville: {montreal: mtl}}\n    drop_fields: [autre_langue]\n",
            "    drop_fields: [ville, mode, besoins, francais, langues, autre_langue,"
            " creneaux]\n"), 1).replace(
        "sections: [profile, identite, rendez_vous]", "sections: [profile, identite]")
    v4 = portal_with(essai_registry(without), instance_dir)
    maria = person(v4)
    assert maria.get(f"/dossiers/{draft}/").status_code in (200, 302)  # opened: moved on
    response = maria.post(maria.section_url(draft, "rendez_vous"), {**TYPED, **hidden})
    assert response.status_code == 302 and response.location.rstrip("/") == f"/dossiers/{draft}"
    store_of(v4).disconnect()


def test_migrate__draft_the_chain_does_not_reach__its_page_updates_in_place(
        v3_portal: Flask, instance_dir: str):  # noqa: F811
    """v4 keeps drafts, v5 migrates from 4 only: a v3 draft stays on v3. Its page's update
    (a condition's question changed) used to redraw the whole page again and again, the
    conditions never updated. It updates in place, as on any page."""
    maria = person(v3_portal, register=True)
    draft = maria.create_dossier()
    v4 = portal_with(essai_registry(ESSAI_TEXT.replace("version: 3\n", "version: 4\n", 1)),
                     instance_dir)  # published, keeping drafts
    store_of(v4).disconnect()
    v5_text = ESSAI_TEXT.replace("version: 3\n", "version: 5\ndrafts: migrate\nmigrations:\n"
                                 "  - from: 4\n    message: {fr: Mis à jour., en: Updated.}\n", 1)
    v5 = portal_with(essai_registry(v5_text), instance_dir)
    maria = person(v5)
    url = maria.section_url(draft, "rendez_vous")
    assert 'name="definition_version" value="3"' in page(maria, url)
    response = maria.refresh(draft, "rendez_vous", {"francais": "false",
                                                    "definition_version": "3"})
    assert response.status_code == 200 and "HX-Refresh" not in response.headers
    assert 'name="langues"' in response.get_data(as_text=True)  # shown by the answer
    assert "Réponses non enregistrées" not in page(maria, url)
    store_of(v5).disconnect()
