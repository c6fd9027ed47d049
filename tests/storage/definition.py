"""A small dossier type for storage tests, shaped like Accompagnement Québec.

Storage must work from any definition, so its tests use their own: numbering
G + 2-digit year + 8 digits, 90 days to submit, 18 years minimum, a question
revealed by an earlier answer, a deadline transition, a document, and a
message that notifies by email.
"""

from __future__ import annotations

from engine import Registry, convert_text

TYPE_ID = "essai"

DEFINITION = """\
id: essai
version: 3
title: {fr: Dossier d'essai, en: Test dossier}
numbering: {prefix: G, year_digits: 2, digits: 8}
deadline_days: 90
eligibility:
  - min_age: 18
    message: {fr: Vous devez avoir au moins 18 ans., en: You must be at least 18.}
sections:
  - id: identite
    title: {fr: Identité, en: Identity}
    fields:
      - id: a_numero
        type: yesno
        label: {fr: "Avez-vous un numéro ?", en: "Do you have a number?"}
      - id: numero
        type: text
        when: {a_numero: true}
        normalize: [strip, remove_spaces_hyphens]
        pattern: "^[0-9]{8}$"
        mask: true
        label: {fr: Numéro, en: Number}
  - id: rendez_vous
    title: {fr: Rendez-vous, en: Appointment}
    fields:
      - id: ville
        type: select
        label: {fr: Ville, en: City}
        options:
          - {value: montreal, label: {fr: Montréal, en: Montréal}}
          - {value: quebec, label: {fr: Québec, en: Québec City}}
workflow:
  initial: brouillon
  states:
    brouillon: {label: {fr: Inscription en cours, en: In progress}, editable: true}
    presente: {label: {fr: Présenté, en: Submitted}}
    expire: {label: {fr: Expiré, en: Expired}}
  transitions:
    - id: soumettre
      from: brouillon
      to: presente
      guards: [sections_valid, before_deadline]
      actions: [freeze_recap, {document: recapitulatif}, {message: confirmation}]
    - id: expirer
      from: brouillon
      to: expire
      trigger: deadline
documents:
  recapitulatif:
    title: {fr: Récapitulatif de votre demande, en: Summary of your application}
    filename: "recapitulatif-{number}.pdf"
    sections: [identite, rendez_vous]
messages:
  confirmation:
    notify: true
    subject: {fr: "Demande {number} reçue", en: "Application {number} received"}
    body: {fr: "Reçue le {submitted_at}.", en: "Received on {submitted_at}."}
notification:
  subject: {fr: Du nouveau sur le portail, en: Something new on the portal}
  body: {fr: "Un message vous attend : {portal_url}", en: "A message awaits you: {portal_url}"}
"""

VALID_ANSWERS = {
    "identite": {"a_numero": True, "numero": "1234 5678"},
    "rendez_vous": {"ville": "montreal"},
}


def build_registry() -> Registry:
    result = convert_text(DEFINITION, "essai.yaml")
    assert result.ok, [str(e) for e in result.errors]
    return Registry([result.compiled])

