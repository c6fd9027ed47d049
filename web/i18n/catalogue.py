"""Every text of the portal that does not come from a dossier definition, in French and
English. Keys are dotted; `{name}` placeholders are filled by `web.i18n.t`.
A test checks that every key has both languages with the same placeholders.
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    # --- the site
    "app.name": {"fr": "Guichet des services en ligne", "en": "Online services counter"},
    "app.brand": {"fr": "Québec", "en": "Québec"},
    "app.footer": {"fr": "© Gouvernement du Québec", "en": "© Gouvernement du Québec"},
    "nav.skip": {"fr": "Passer au contenu", "en": "Skip to content"},
    "nav.label": {"fr": "Menu principal", "en": "Main menu"},
    "nav.dossiers": {"fr": "Mes dossiers", "en": "My files"},
    "nav.documents": {"fr": "Mes documents", "en": "My documents"},
    "nav.profile": {"fr": "Mon profil", "en": "My profile"},
    "nav.messages.none": {"fr": "Messages (aucun non lu)", "en": "Messages (none unread)"},
    "nav.messages.one": {"fr": "Messages (1 non lu)", "en": "Messages (1 unread)"},
    "nav.messages.many": {"fr": "Messages ({count} non lus)", "en": "Messages ({count} unread)"},
    "nav.messages.unknown": {"fr": "Messages", "en": "Messages"},
    "nav.logout": {"fr": "Déconnexion", "en": "Log out"},
    "nav.login": {"fr": "Connexion", "en": "Log in"},
    "nav.register": {"fr": "Créer un compte", "en": "Create an account"},
    "lang.switch": {"fr": "English", "en": "Français"},
    "yes": {"fr": "Oui", "en": "Yes"},
    "no": {"fr": "Non", "en": "No"},
    "cancel": {"fr": "Annuler", "en": "Cancel"},
    # --- fields and errors
    "field.choose": {"fr": "Sélectionnez une réponse", "en": "Select an answer"},
    "field.required_legend": {"fr": "Les champs marqués d'un astérisque (*) sont obligatoires.",
                              "en": "Fields marked with an asterisk (*) are required."},
    "errors.title": {"fr": "Des réponses sont à corriger", "en": "Some answers need correcting"},
    "errors.prefix": {"fr": "Erreur :", "en": "Error:"},
    "err.required": {"fr": "Ce champ est obligatoire.", "en": "This field is required."},
    "err.option": {"fr": "Choisissez une réponse proposée dans la liste.",
                   "en": "Choose one of the answers offered."},
    "err.email": {"fr": "Entrez une adresse courriel valide, par exemple nom@exemple.com.",
                  "en": "Enter a valid email address, for example name@example.com."},
    "err.email_taken": {"fr": "Un compte existe déjà avec cette adresse courriel. Connectez-vous.",
                        "en": "An account already exists with this email address. Log in."},
    "err.password_short": {"fr": "Le mot de passe doit contenir au moins 12 caractères.",
                           "en": "The password must have at least 12 characters."},
    "err.password_common": {
        "fr": "Ce mot de passe est trop courant : il fait partie des premiers essayés par les "
              "pirates. Choisissez-en un autre, par exemple une phrase de quelques mots.",
        "en": "This password is too common: it is among the first ones attackers try. Choose "
              "another one, for example a sentence of a few words."},
    "err.password_mismatch": {"fr": "Les deux mots de passe ne sont pas identiques.",
                              "en": "The two passwords are not the same."},
    "err.birth_date": {"fr": "Entrez une date de naissance passée, au format AAAA-MM-JJ.",
                       "en": "Enter a birth date in the past, as YYYY-MM-DD."},
    "err.login_failed": {"fr": "L'adresse courriel ou le mot de passe est incorrect.",
                         "en": "The email address or the password is incorrect."},
    "err.type": {"fr": "Sélectionnez le type de dossier à créer.",
                 "en": "Select the type of file to create."},
    "err.type_search": {"fr": "Sélectionnez le type de demande à rechercher.",
                        "en": "Select the type of application to search for."},
    "err.link_refused": {
        "fr": "Votre dossier n'a pas été trouvé. Vérifiez le numéro de dossier et les "
              "renseignements de votre profil, ou communiquez avec votre agente ou agent "
              "d'aide à l'intégration.",
        "en": "Your file was not found. Check the file number and the information in your "
              "profile, or contact your integration support agent."},
    # --- flashed notices
    "flash.registered": {"fr": "Votre compte a été créé. Bienvenue !",
                         "en": "Your account was created. Welcome!"},
    "flash.logged_out": {"fr": "Vous êtes déconnecté.", "en": "You are logged out."},
    "flash.profile_saved": {"fr": "Votre profil a été enregistré.",
                            "en": "Your profile was saved."},
    "flash.created": {"fr": "Votre dossier a été créé.", "en": "Your file was created."},
    "flash.linked": {"fr": "Votre dossier a été identifié avec succès.",
                     "en": "Your file was identified successfully."},
    "flash.document_pending": {
        "fr": "Ce document est en préparation. Réessayez dans quelques instants.",
        "en": "This document is being prepared. Try again in a few moments."},
    "flash.password_changed": {
        "fr": "Votre mot de passe a été changé. Connectez-vous avec le nouveau mot de passe.",
        "en": "Your password was changed. Log in with the new password."},
    "flash.saved": {"fr": "Vos réponses ont été enregistrées.", "en": "Your answers were saved."},
    "flash.saved_with_errors": {
        "fr": "Vos réponses ont été enregistrées, mais certaines sont à corriger avant de "
              "soumettre.",
        "en": "Your answers were saved, but some must be corrected before you submit."},
    "flash.session_expired": {
        "fr": "Votre session a expiré après une période d'inactivité. Connectez-vous de "
              "nouveau pour continuer.",
        "en": "Your session expired after a time without activity. Log in again to "
              "continue."},
    "flash.session_expired_saved": {
        "fr": "Votre session a expiré après une période d'inactivité. Vos réponses ont été "
              "enregistrées comme brouillon : connectez-vous de nouveau pour les retrouver.",
        "en": "Your session expired after a time without activity. Your answers were "
              "saved as a draft: log in again to find them."},
    "flash.session_expired_kept": {
        "fr": "Votre session a expiré après une période d'inactivité. Vos réponses sont "
              "conservées : connectez-vous de nouveau pour les retrouver et les enregistrer.",
        "en": "Your session expired after a time without activity. Your answers are "
              "kept: log in again to find them and save them."},
    "flash.answers_kept": {
        "fr": "Voici les réponses que vous aviez saisies avant l'expiration de votre session. "
              "Elles ne sont pas encore enregistrées : vérifiez-les, puis enregistrez.",
        "en": "Here are the answers you had typed before your session expired. They are not "
              "saved yet: check them, then save."},
    "flash.too_long": {
        "fr": "Vos réponses n'ont pas été enregistrées : certaines sont plus longues que "
              "permis. Corrigez-les, puis enregistrez.",
        "en": "Your answers were not saved: some are longer than allowed. Correct them, then "
              "save."},
    "flash.locked": {"fr": "Ce dossier a été soumis : il ne peut plus être modifié.",
                     "en": "This file was submitted: it can no longer be changed."},
    # --- accounts
    "auth.email": {"fr": "Adresse courriel", "en": "Email address"},
    "auth.password": {"fr": "Mot de passe", "en": "Password"},
    "auth.password.help": {
        "fr": "Au moins 12 caractères. Une phrase de quelques mots est facile à retenir.",
        "en": "At least 12 characters. A sentence of a few words is easy to remember."},
    "auth.password_confirm": {"fr": "Confirmez le mot de passe", "en": "Confirm the password"},
    "register.title": {"fr": "Créer un compte", "en": "Create an account"},
    "register.intro": {
        "fr": "Inscrivez vos noms et prénoms tels qu'ils figurent dans votre passeport.",
        "en": "Enter your names as they appear in your passport."},
    "register.account": {"fr": "Compte", "en": "Account"},
    "register.submit": {"fr": "Créer mon compte", "en": "Create my account"},
    "register.have_account": {"fr": "J'ai déjà un compte", "en": "I already have an account"},
    "login.title": {"fr": "Connexion", "en": "Log in"},
    "login.submit": {"fr": "Se connecter", "en": "Log in"},
    "login.no_account": {"fr": "Vous n'avez pas de compte ?", "en": "No account yet?"},
    "login.forgot": {"fr": "Mot de passe oublié ?", "en": "Forgot your password?"},
    "limits.title": {"fr": "Trop de tentatives", "en": "Too many attempts"},
    "limits.retry": {
        "fr": "Pour protéger votre compte, les tentatives sont limitées. Vous pourrez "
              "réessayer dans {minutes} min.",
        "en": "To protect your account, attempts are limited. You can try again in "
              "{minutes} min."},
    "forgot.title": {"fr": "Mot de passe oublié", "en": "Forgotten password"},
    "forgot.intro": {
        "fr": "Entrez l'adresse courriel de votre compte. Nous vous enverrons un lien pour "
              "choisir un nouveau mot de passe.",
        "en": "Enter the email address of your account. We will send you a link to choose "
              "a new password."},
    "forgot.submit": {"fr": "Envoyer le lien", "en": "Send the link"},
    "forgot.sent": {
        "fr": "Si un compte existe avec cette adresse courriel, un courriel vient de lui être "
              "envoyé avec un lien pour choisir un nouveau mot de passe.",
        "en": "If an account exists with this email address, an email has just been sent to "
              "it with a link to choose a new password."},
    "forgot.sent_help": {
        "fr": "Le lien est valide pendant une heure et ne fonctionne qu'une seule fois. "
              "Vérifiez aussi vos courriels indésirables.",
        "en": "The link is valid for one hour and works only once. Check your junk mail "
              "too."},
    "forgot.back_to_login": {"fr": "Retour à la connexion", "en": "Back to log in"},
    "reset.title": {"fr": "Choisir un nouveau mot de passe", "en": "Choose a new password"},
    "reset.password": {"fr": "Nouveau mot de passe", "en": "New password"},
    "reset.submit": {"fr": "Enregistrer le mot de passe", "en": "Save the password"},
    "reset.invalid.title": {"fr": "Lien expiré ou déjà utilisé",
                            "en": "Link expired or already used"},
    "reset.invalid.body": {
        "fr": "Ce lien de réinitialisation n'est plus valide : il a expiré (après une heure) "
              "ou il a déjà servi.",
        "en": "This reset link is no longer valid: it expired (after one hour) or it was "
              "already used."},
    "reset.invalid.again": {"fr": "Demander un nouveau lien", "en": "Ask for a new link"},
    "reset.email.subject": {"fr": "Réinitialisation de votre mot de passe",
                            "en": "Resetting your password"},
    "reset.email.body": {
        "fr": "Bonjour,\n\nUne demande de nouveau mot de passe a été faite pour votre compte "
              "du {site}.\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure "
              "qui suit (il ne fonctionne qu'une fois) :\n\n{url}\n\nSi vous n'avez rien "
              "demandé, ignorez ce courriel : votre mot de passe reste le même.\n\n"
              "Veuillez recevoir nos meilleures salutations.",
        "en": "Hello,\n\nA new password was requested for your account on the {site}.\n"
              "To choose a new password, open this link within the next hour (it works only "
              "once):\n\n{url}\n\nIf you did not ask for anything, ignore this email: your "
              "password stays the same.\n\nBest regards."},
    "logout.title": {"fr": "Déconnexion", "en": "Log out"},
    "logout.question": {"fr": "Voulez-vous vraiment vous déconnecter ?",
                        "en": "Do you really want to log out?"},
    # --- profile
    "profile.title": {"fr": "Mon profil", "en": "My profile"},
    "profile.edit": {"fr": "Modifier mon profil", "en": "Edit my profile"},
    "profile.save": {"fr": "Enregistrer", "en": "Save"},
    "profile.address_note": {
        "fr": "Gardez votre profil à jour, surtout l'adresse de votre domicile : c'est ici "
              "seulement qu'elle se modifie.",
        "en": "Keep your profile up to date, especially your home address: it can only be "
              "changed here."},
    # --- Mes dossiers
    "dossiers.title": {"fr": "Mes dossiers", "en": "My files"},
    "dossiers.create": {"fr": "Créer un nouveau dossier", "en": "Create a new file"},
    "dossiers.none": {"fr": "Vous n'avez aucun dossier.", "en": "You have no file."},
    "dossiers.number": {"fr": "Numéro du dossier", "en": "File number"},
    "dossiers.type": {"fr": "Type de dossier", "en": "Type of file"},
    "dossiers.submitted_at": {"fr": "Date de soumission", "en": "Date submitted"},
    "dossiers.status": {"fr": "Statut du dossier", "en": "File status"},
    "dossiers.deadline": {"fr": "Date limite pour soumettre : {date}",
                          "en": "Deadline to submit: {date}"},
    "create.title": {"fr": "Créer un dossier", "en": "Create a file"},
    "create.type": {"fr": "Type de dossier à créer", "en": "Type of file to create"},
    "create.mode": {"fr": "Nouveau dossier ou dossier existant", "en": "New or existing file"},
    "create.mode.new": {"fr": "Créer un nouveau dossier", "en": "Create a new file"},
    "create.mode.linked": {
        "fr": "Créer un dossier lié à une demande de parcours en cours de traitement au "
              "Ministère",
        "en": "Create a file linked to an application being processed by the Ministère"},
    "create.submit": {"fr": "Créer", "en": "Create"},
    "create.refused": {"fr": "Vous ne pouvez pas créer ce dossier",
                       "en": "You cannot create this file"},
    "link.type": {"fr": "Sélectionnez le type de demande à rechercher",
                  "en": "Select the type of application to search for"},
    "link.given_names": {"fr": "Prénom", "en": "Given name"},
    "link.family_names": {"fr": "Nom", "en": "Family name"},
    "link.sex": {"fr": "Sexe", "en": "Sex"},
    "link.birth_date": {"fr": "Date de naissance", "en": "Date of birth"},
    "link.title": {"fr": "Identifier mon dossier", "en": "Identify my file"},
    "link.intro": {
        "fr": "Saisissez le numéro de dossier transmis par votre agente ou agent d'aide à "
              "l'intégration.",
        "en": "Enter the file number your integration support agent gave you."},
    "link.number": {"fr": "Numéro de dossier", "en": "File number"},
    "link.identity": {"fr": "Renseignements de votre profil",
                      "en": "Information from your profile"},
    "link.identity_help": {
        "fr": "Ces renseignements proviennent de votre profil. Ils doivent être identiques à "
              "ceux de votre dossier existant.",
        "en": "This information comes from your profile. It must be the same as in your "
              "existing file."},
    "link.submit": {"fr": "Rechercher", "en": "Search"},
    # --- message centre
    "messages.title": {"fr": "Centre des messages", "en": "Message centre"},
    "messages.date": {"fr": "Date", "en": "Date"},
    "messages.subject": {"fr": "Objet", "en": "Subject"},
    "messages.dossier": {"fr": "Numéro de dossier", "en": "File number"},
    "messages.unread": {"fr": "(non lu)", "en": "(unread)"},
    "messages.none": {"fr": "Vous n'avez aucun message.", "en": "You have no message."},
    "messages.back": {"fr": "Retour au centre des messages",
                      "en": "Back to the message centre"},
    # --- Mes documents
    "documents.title": {"fr": "Mes documents", "en": "My documents"},
    "documents.number": {"fr": "Numéro de dossier", "en": "File number"},
    "documents.name": {"fr": "Documents", "en": "Documents"},
    "documents.received_at": {"fr": "Date de réception", "en": "Date received"},
    "documents.format": {"fr": "Format", "en": "Format"},
    "documents.download": {"fr": "Télécharger", "en": "Download"},
    "documents.pdf": {"fr": "PDF", "en": "PDF"},
    "documents.pending": {"fr": "En préparation", "en": "Being prepared"},
    "documents.pending_help": {
        "fr": "Un document en préparation sera prêt dans quelques instants : actualisez la "
              "page.",
        "en": "A document being prepared will be ready in a few moments: reload the page."},
    "documents.none": {"fr": "Vous n'avez aucun document.", "en": "You have no document."},
    # --- the dossier form
    "dossier.header.caption": {"fr": "Votre dossier", "en": "Your file"},
    "dossier.name": {"fr": "Nom", "en": "Name"},
    "dossier.number": {"fr": "Numéro de dossier", "en": "File number"},
    "dossier.status": {"fr": "Statut du dossier", "en": "File status"},
    "dossier.deadline": {"fr": "Date limite pour soumettre", "en": "Deadline to submit"},
    "dossier.submitted_at": {"fr": "Date de soumission", "en": "Date submitted"},
    "form.sections": {"fr": "Sections du formulaire", "en": "Sections of the form"},
    "form.section_valid": {"fr": "Section conforme", "en": "Section complete"},
    "form.section_todo": {"fr": "Section à remplir", "en": "Section to fill in"},
    "form.quit": {"fr": "Quitter", "en": "Leave"},
    "form.save": {"fr": "Enregistrer", "en": "Save"},
    "form.recap": {"fr": "Récapitulatif", "en": "Summary"},
    "form.submit": {"fr": "Soumettre", "en": "Submit"},
    "form.refresh": {"fr": "Mettre à jour les questions", "en": "Update the questions"},
    "form.refresh_help": {
        "fr": "Certaines questions dépendent de vos réponses : mettez les questions à jour "
              "après avoir répondu.",
        "en": "Some questions depend on your answers: update the questions after answering."},
    "form.readonly": {"fr": "Ce dossier a été soumis : il ne peut plus être modifié.",
                      "en": "This file was submitted: it can no longer be changed."},
    "conflict.title": {"fr": "Ce dossier a été modifié ailleurs",
                       "en": "This file was changed elsewhere"},
    "conflict.body": {
        "fr": "Depuis que vous avez ouvert cette page, le dossier a été enregistré ailleurs "
              "(par exemple dans un autre onglet). Vos réponses sont conservées dans le "
              "formulaire ci-dessous ; la version enregistrée est affichée pour comparaison. "
              "Enregistrez de nouveau pour garder vos réponses.",
        "en": "Since you opened this page, the file was saved elsewhere (for example in "
              "another tab). Your answers are kept in the form below; the saved version is "
              "shown for comparison. Save again to keep your answers."},
    "conflict.theirs": {"fr": "Version enregistrée", "en": "Saved version"},
    "recap.title": {"fr": "Récapitulatif", "en": "Summary"},
    "recap.back": {"fr": "Retour au formulaire", "en": "Back to the form"},
    "recap.unanswered": {"fr": "Sans réponse", "en": "Not answered"},
    # --- submission
    "submit.title": {"fr": "Soumettre ma demande", "en": "Submit my application"},
    "submit.progress": {"fr": "Étapes de la soumission", "en": "Submission steps"},
    "submit.step_of": {"fr": "Étape {n} de {total} :", "en": "Step {n} of {total}:"},
    "submit.step.profile": {"fr": "Renseignements personnels", "en": "Personal information"},
    "submit.step.recap": {"fr": "Récapitulatif", "en": "Summary"},
    "submit.step.confirm": {"fr": "Confirmation", "en": "Confirmation"},
    "submit.step.done": {"fr": "Demande soumise", "en": "Application submitted"},
    "submit.profile_intro": {
        "fr": "Vérifiez les renseignements de votre profil qui accompagneront votre demande.",
        "en": "Check the information from your profile that goes with your application."},
    "submit.profile_change": {"fr": "Modifier mon profil", "en": "Edit my profile"},
    "submit.recap_intro": {"fr": "Vérifiez vos réponses avant de continuer.",
                           "en": "Check your answers before you continue."},
    "submit.warning": {
        "fr": "Une fois que vous aurez soumis votre demande, vous ne pourrez plus modifier "
              "votre formulaire de demande.",
        "en": "Once you have submitted your application, you can no longer change your "
              "application form."},
    "submit.confirm_question": {"fr": "Voulez-vous soumettre votre demande maintenant ?",
                                "en": "Do you want to submit your application now?"},
    "submit.next": {"fr": "Suivant", "en": "Next"},
    "submit.previous": {"fr": "Précédent", "en": "Previous"},
    "submit.back_to_form": {"fr": "Retour au formulaire", "en": "Back to the form"},
    "submit.blocked": {"fr": "Votre demande ne peut pas être soumise",
                       "en": "Your application cannot be submitted"},
    "submit.done": {"fr": "Votre demande {number} a été soumise avec succès.",
                    "en": "Your application {number} was submitted successfully."},
    "submit.done_at": {"fr": "Date de soumission : {date}", "en": "Date submitted: {date}"},
    "submit.done_next": {
        "fr": "Un message de confirmation vous attend dans votre centre des messages. Vous "
              "pouvez suivre votre dossier à partir de « Mes dossiers ».",
        "en": "A confirmation message is waiting in your message centre. You can follow your "
              "file from \"My files\"."},
    # --- error pages
    "error.home": {"fr": "Retour à l'accueil", "en": "Back to the home page"},
    "error.request_id": {"fr": "Référence de la demande : {id}", "en": "Request reference: {id}"},
    "error.bad_request.title": {"fr": "Demande invalide", "en": "Invalid request"},
    "error.bad_request.body": {"fr": "Cette demande n'a pas pu être traitée.",
                               "en": "This request could not be processed."},
    "error.csrf.title": {"fr": "Page expirée", "en": "Page expired"},
    "error.csrf.body": {
        "fr": "Pour votre sécurité, ce formulaire a expiré. Retournez à la page précédente, "
              "rechargez-la et recommencez.",
        "en": "For your security, this form has expired. Go back, reload the page and try "
              "again."},
    "error.forbidden.title": {"fr": "Accès refusé", "en": "Access denied"},
    "error.forbidden.body": {"fr": "Vous n'avez pas accès à cette page.",
                             "en": "You do not have access to this page."},
    "error.not_found.title": {"fr": "Page introuvable", "en": "Page not found"},
    "error.not_found.body": {"fr": "La page demandée n'existe pas ou n'est pas accessible.",
                             "en": "The page you asked for does not exist or is not available."},
    "error.not_allowed.title": {"fr": "Action non permise", "en": "Action not allowed"},
    "error.not_allowed.body": {"fr": "Cette action n'est pas permise sur cette page.",
                               "en": "This action is not allowed on this page."},
    "error.conflict.title": {"fr": "Conflit", "en": "Conflict"},
    "error.conflict.body": {"fr": "Cette demande entre en conflit avec une autre modification.",
                            "en": "This request conflicts with another change."},
    "error.server_error.title": {"fr": "Erreur du système", "en": "System error"},
    "error.too_large.title": {"fr": "Envoi trop volumineux", "en": "Too much data sent"},
    "error.too_large.body": {
        "fr": "Ce que vous avez envoyé dépasse la taille permise. Retournez à la page "
              "précédente, raccourcissez vos réponses et recommencez.",
        "en": "What you sent is larger than allowed. Go back, shorten your answers and try "
              "again."},
    "error.unavailable.title": {"fr": "Service momentanément indisponible",
                                "en": "Service temporarily unavailable"},
    "error.unavailable.body": {
        "fr": "Le service ne peut pas répondre pour le moment. Vos réponses déjà enregistrées "
              "sont conservées. Réessayez dans quelques instants.",
        "en": "The service cannot answer right now. The answers you already saved are kept. "
              "Try again in a few moments."},
    "error.server_error.body": {
        "fr": "Une erreur imprévue est survenue. Réessayez plus tard. Si le problème persiste, "
              "communiquez avec nous en donnant la référence ci-dessous.",
        "en": "An unexpected error occurred. Try again later. If the problem persists, "
              "contact us with the reference below."},
}
