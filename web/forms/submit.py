"""SOUMETTRE: blocked with the reasons by section, else a wizard, then the success page.

Steps: 1 personal information (the profile fields and labels of the dossier type's
`profile:` block), 2 recap, 3 confirmation (POST), 4 success.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.profile import profile_layout
from web.accounts import profile_form
from web.accounts.current import account_id, current_account, login_required
from web.background.worker import wake_after_response
from web.forms import bp
from web.forms.page import failures_summary, header, load, recap_of, submit_blockers
from web.forms.saving import posted_version
from web.i18n import current_lang
from web.registry import registry
from web.ui.pages import page_url

STEPS = ("profile", "recap", "confirm", "done")


def _blocked(compiled, dossier, blockers, status: int = 200) -> ResponseReturnValue:
    return render_template("forms/submit_blocked.html", header=header(compiled, dossier),
                           blockers=blockers), status


@bp.get("/soumettre")
@login_required
def submit(number: str) -> ResponseReturnValue:
    """The wizard's steps 1-3 (`?etape=`), or the blockers by section; a dossier no
    longer editable goes to its success page or its form.

    200: step 1 the profile fields the type shows (forms/submit_profile.html), 2 the
    recap (forms/submit_recap.html), 3 the confirmation (forms/submit_confirm.html),
    or the blockers (forms/submit_blocked.html). 302 to /soumis for a submitted
    dossier, to the form for another that cannot be edited; 404 for a dossier that is
    not the applicant's. Guide: errors block the submission and say where; else a
    short wizard (recap, confirmation message, Soumettre).
    """
    dossier, compiled = load(number)
    head = header(compiled, dossier)
    if not head.editable:
        target = "forms.submitted" if dossier.submitted_at else "forms.dossier"
        return redirect(url_for(target, number=number))
    blockers = submit_blockers(compiled, dossier)
    if blockers:
        return _blocked(compiled, dossier, blockers)
    step = request.args.get("etape", "1")
    step = int(step) if step in ("1", "2", "3") else 1
    context = {}
    if step == 1:
        account = current_account()
        context["groups"] = profile_form.summary(account.profile, account.email,
                                                 profile_layout(compiled.definition))
    elif step == 2:
        context["recap"] = recap_of(compiled, dossier)
    return render_template(f"forms/submit_{STEPS[step - 1]}.html", header=head, step=step,
                           steps=STEPS, version=dossier.version, **context)


@bp.post("/soumettre")
@login_required
def confirm(number: str) -> ResponseReturnValue:
    """SOUMETTRE, step 3's button: the definition's transition (guards checked again,
    whatever the earlier steps showed), then 302 to /soumis. 409 with the blockers
    (forms/submit_blocked.html) when refused: errors, deadline passed, or already
    submitted (another tab), except the same SOUMETTRE sent twice from step 3 (its
    `version`), which goes to /soumis; 302 to the dossier's page, which says why, for a
    dossier that takes no change at all (its type withdrawn from forms/); 404 for a
    dossier that is not the applicant's. The recap
    PDF and the email are made after the commit. Guide: after submission the dossier
    is locked; the confirmation goes to the message centre and an email says only
    that a message waits."""
    dossier, compiled = load(number)
    shown = posted_version()  # the version step 3 showed: a repeat of this request is done
    try:
        storage.submit(registry(), account_id(), number, lang=current_lang(),
                       version=shown if shown >= 0 else None)
    except storage.SubmitRefused as refused:
        page_url(url_for("forms.submit", number=number))
        return _blocked(compiled, dossier, failures_summary(refused.failures), 409)
    except storage.Locked:  # takes no change at all (its type withdrawn): the dossier's
        return redirect(url_for("forms.dossier", number=number))  # page says why
    wake_after_response()  # the recap PDF and the email, right after the commit
    return redirect(url_for("forms.submitted", number=number))


@bp.get("/soumis")
@login_required
def submitted(number: str) -> ResponseReturnValue:
    """Step 4: "soumise avec succès", the submission date and time, and Quitter
    (forms/submit_done.html), 200; 302 to the form for a dossier not submitted; 404
    for one that is not the applicant's. Guide: check the confirmation message, then
    Quitter back to the home page."""
    dossier, compiled = load(number)
    head = header(compiled, dossier)
    if head.editable or not dossier.submitted_at:
        return redirect(url_for("forms.dossier", number=number))
    return render_template("forms/submit_done.html", header=head, step=4, steps=STEPS)
