"""What reaches the applicant: messages, documents (recap PDFs) and the email outbox.

A package of its own because these rows are written by a dossier's transition
(storage/dossiers/actions.py) but read, rendered and sent later, by other pages and
by the background worker: whoever works on the message centre, Mes documents or
email delivery starts here.
"""
