/* Guichet's own behaviour on top of htmx and idiomorph. Every page works without it.
 *
 * 1. Updating the questions never replaces what the applicant is typing. The inputs
 *    that some condition reads post the form when they change (hx-post), and the
 *    answer is morphed into the page (hx-swap="morph", idiomorph). idiomorph keeps the
 *    focused field's value (ignoreActiveValue), and a field whose value changed since
 *    the update left is not touched at all.
 * 2. A form posts once: a second click while the page is being sent is ignored (a
 *    double "Soumettre" or "Enregistrer" on a slow link). The server also treats an
 *    identical repeat as done, for pages without JavaScript.
 * 3. Leaving a section never loses its answers. The section form knows whether it has
 *    unsaved changes (its fields now against the page as loaded or last saved, or any
 *    state when the page shows answers not yet stored: data-unsaved). Before
 *    following a link of this site, or sending another form, a changed section is saved
 *    as a draft (posted to its own address with `guichet_leaving=1`: the server answers
 *    204, web/forms/sections.py `save`), then the page is left. Any other answer (a
 *    conflict with another tab, answers too long, a network failure) sends the section
 *    form as ENREGISTRER does, so the applicant sees why; a session that had ended
 *    answers 401 with Guichet-Login (the answers are kept aside, not saved, until the
 *    login: login_session.py), where the browser goes, without sending them twice.
 *    Leaving otherwise (Back, closing the tab) sends the draft as a beacon. Never a
 *    "leave the page?" dialog. "Ignorer ces réponses" (a form marked data-discard,
 *    forgetting answers kept from an ended session) saves nothing on the way.
 * 4. Answers too long to be sent (a form's data-max-bytes, the server's body limit)
 *    are not sent: the page says so above the form and links the longest answer,
 *    instead of the server's 413 page replacing the form and what was typed.
 * 5. A page marked data-replace-url (the registration's "email sent") takes that
 *    address in the history, so a reload does not post its form again.
 * 6. A file larger than its question takes is said next to the question when chosen
 *    (named when several were chosen; the others stay chosen), and files too large to
 *    be sent together are said as in 4.
 * 7. Back to a section page whose answers the browser restored: its questions are
 *    updated for them (a restored answer may call for a question not drawn).
 * 8. An agent's action refused because the dossier changed meanwhile (another tab,
 *    another agent: the server sends back to the dossier's page with a notice) gives
 *    back what the agent had typed in its form, instead of an empty form.
 */
(function () {
  "use strict";

  var sent = new WeakMap(); // form control -> its state when the last update left
  var RESEND_AFTER_MS = 10000; // a form stuck on a dead link may be sent again

  function isControl(node) {
    return node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement ||
      node instanceof HTMLSelectElement;
  }

  function state(control) {
    if (control.type === "checkbox" || control.type === "radio") {
      return control.checked ? "on" : "";
    }
    return control.value;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var form = elt.form || elt.closest("form");
    if (!form) {
      return;
    }
    Array.prototype.forEach.call(form.elements, function (control) {
      if (isControl(control)) {
        sent.set(control, state(control));
      }
    });
  });

  if (window.Idiomorph) {
    window.Idiomorph.defaults.ignoreActiveValue = true;
    window.Idiomorph.defaults.callbacks.beforeNodeMorphed = function (oldNode) {
      var changed = isControl(oldNode) && sent.has(oldNode) &&
        sent.get(oldNode) !== state(oldNode);
      return !changed;
    };
  }

  var LEAVING_FIELD = "guichet_leaving";
  var section = document.getElementById("section-form");
  // the section as loaded or last saved; none when the page shows answers not yet
  // stored (shown again as posted: data-unsaved)
  var saved = section && !section.hasAttribute("data-unsaved") ? serialized(section) : null;
  var leaving = false; // a draft is being saved before leaving
  var submitting = false; // the section form itself is being sent

  // the form's values as text; a file chosen counts by its name, size and date (a
  // FormData turned into text would write every file, chosen or not, "[object File]";
  // an input with no file chosen gives an empty file dated now: it counts as nothing)
  function serialized(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      pairs.push([name, typeof value === "string" ? value : !value.name ? "" :
        "file:" + value.name + ":" + value.size + ":" + value.lastModified]);
    });
    return new URLSearchParams(pairs).toString();
  }

  function changed() {
    return section !== null && !submitting && serialized(section) !== saved;
  }

  function draft() {
    var data = new FormData(section);
    data.set(LEAVING_FIELD, "1");
    return data;
  }

  function saveThen(go) {
    var state = serialized(section);
    leaving = true;
    section.setAttribute("aria-busy", "true");
    fetch(section.action, {method: "POST", body: draft(), credentials: "same-origin",
                           redirect: "manual", headers: {"Accept": "text/html"}})
      .then(function (response) {
        var login = response.status === 401 && response.headers.get("Guichet-Login");
        if (login) { // the session had ended: the answers wait for the login, go there
          saved = state;
          window.location.assign(login);
          return;
        }
        if (response.status !== 204) {
          throw new Error("not saved: " + response.status);
        }
        var version = response.headers.get("Guichet-Version");
        if (version && section.elements.version) {
          section.elements.version.value = version;
          state = serialized(section);
        }
        saved = state;
        go();
      })
      .catch(function () { // show why: the section sent as ENREGISTRER sends it
        leaving = false;
        section.removeAttribute("aria-busy");
        section.requestSubmit();
      });
  }

  function sameSiteLink(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || !(event.target instanceof Element)) {
      return null;
    }
    var link = event.target.closest("a[href]");
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) {
      return null;
    }
    var url = new URL(link.href, window.location.href);
    var here = window.location;
    if (url.origin !== here.origin || (url.hash && url.pathname === here.pathname &&
                                       url.search === here.search)) {
      return null; // another site, or a place on this page
    }
    return url;
  }

  document.addEventListener("click", function (event) {
    var url = section && sameSiteLink(event);
    if (!url) {
      return;
    }
    if (leaving) {
      event.preventDefault();
    } else if (changed()) {
      event.preventDefault();
      saveThen(function () { window.location.assign(url.href); });
    }
  });

  // 4. Answers too long to be sent are said on the page, before sending: the server
  //    would refuse the body (413) with a page that replaces the form and what was typed.
  //    A form with files (multipart) counts their sizes: the largest input is the one
  //    whose chosen files weigh most.
  function weight(control) {
    if (control.type === "file") {
      var total = 0;
      Array.prototype.forEach.call(control.files || [], function (file) { total += file.size; });
      return total;
    }
    return control.value.length;
  }

  function longestControl(form) {
    var longest = null;
    Array.prototype.forEach.call(form.elements, function (control) {
      if (isControl(control) && control.type !== "hidden" &&
          (!longest || weight(control) > weight(longest))) {
        longest = control;
      }
    });
    return longest;
  }

  // the size of the form as the browser sends it: line breaks as CR LF (HTML's form
  // submission), every character percent-encoded as encodeURIComponent does (a space
  // counted as %20, not +: a little over, never under)
  //    A multipart form (with files) also counts each part's boundary and headers:
  //    MULTIPART_PART bytes, more than a browser writes, and the file's name.
  var MULTIPART_PART = 256;

  function bodySize(form) {
    var size = 0;
    var multipart = form.enctype === "multipart/form-data";
    new FormData(form).forEach(function (value, name) {
      size += encodeURIComponent(name).length + 2 + (multipart ? MULTIPART_PART : 0);
      if (typeof value !== "string") { // a file: its bytes as they are, and its name
        size += value.size + encodeURIComponent(value.name).length;
        return;
      }
      var text = value.replace(/\r\n|\r|\n/g, "\r\n");
      size += encodeURIComponent(text).length;
    });
    return size;
  }

  // 6. A file larger than its question takes (the data-max-file-bytes of its
  //    .file-limit) is said next to the question as soon as it is chosen, and not kept
  //    in the input: nothing is sent that the server would refuse after a long upload
  //    on a phone.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.id) {
      return;
    }
    var limit = document.querySelector('.file-limit[data-for="' + input.id + '"]');
    if (!limit) {
      return;
    }
    var most = Number(limit.getAttribute("data-max-file-bytes"));
    var chosen = Array.prototype.slice.call(input.files || []);
    var refused = chosen.filter(function (file) { return file.size > most; });
    var tooBig = refused.length > 0;
    var id = input.id + "-too-big";
    var old = document.getElementById(id);
    if (old) {
      old.remove();
    }
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(
      function (part) { return part && part !== id; });
    if (tooBig) {
      var error = document.createElement("p");
      error.className = "field__error";
      error.id = id;
      error.setAttribute("role", "alert");
      error.textContent = limit.getAttribute("data-too-big") + notAttached(limit, chosen, refused);
      input.parentNode.insertBefore(error, input);
      keepOnly(input, chosen.filter(function (file) { return file.size <= most; }));
      described.push(id);
      input.setAttribute("aria-invalid", "true");
    } else if (!input.closest(".field--error")) {
      input.removeAttribute("aria-invalid");
    }
    if (described.length) {
      input.setAttribute("aria-describedby", described.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  });

  // Several files chosen, some too big: the sentence naming those not kept (" Fichiers
  // non joints : a.pdf et b.pdf."), else "".
  function notAttached(limit, chosen, refused) {
    var template = limit.getAttribute(
      refused.length > 1 ? "data-not-attached-many" : "data-not-attached-one");
    if (chosen.length < 2 || !template) {
      return "";
    }
    var names = refused.map(function (file) { return file.name; });
    var list = window.Intl && Intl.ListFormat ?
      new Intl.ListFormat(document.documentElement.lang || "fr", { type: "conjunction" })
        .format(names) : names.join(", ");
    return " " + template.replace("{names}", list);
  }

  // The input keeps only `files` (the ones small enough); emptied where a browser cannot
  // set an input's files.
  function keepOnly(input, files) {
    if (files.length && window.DataTransfer) {
      try {
        var kept = new DataTransfer();
        files.forEach(function (file) { kept.items.add(file); });
        input.files = kept.files;
        return;
      } catch (error) { /* an older browser: emptied below */ }
    }
    input.value = "";
  }

  function sayTooLarge(form) {
    var old = document.getElementById("too-large-summary");
    if (old) {
      old.remove();
    }
    var box = document.createElement("div");
    box.id = "too-large-summary";
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var text = document.createElement("p");
    text.textContent = form.getAttribute("data-too-large");
    box.appendChild(text);
    var longest = longestControl(form);
    if (longest && longest.id) {
      var label = form.querySelector('label[for="' + longest.id + '"]');
      var name = label ? label.cloneNode(true) : null;
      if (name) { // the question's words, without its required mark
        name.querySelectorAll(".required").forEach(function (mark) { mark.remove(); });
      }
      var link = document.createElement("a");
      link.href = "#" + longest.id;
      link.textContent = name ? name.textContent.trim() : longest.id;
      box.appendChild(link);
      longest.setAttribute("aria-invalid", "true");
    }
    form.parentNode.insertBefore(box, form);
    box.focus();
  }

  document.addEventListener("submit", function (event) { // first: nothing sent at all
    var form = event.target;
    var most = form.getAttribute && Number(form.getAttribute("data-max-bytes"));
    if (most && bodySize(form) > most) {
      event.preventDefault();
      event.stopImmediatePropagation();
      sayTooLarge(form);
    }
  });

  // an update of the questions refused as too large: said the same way
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var form = event.detail.elt && (event.detail.elt.form || event.detail.elt.closest("form"));
    if (xhr && xhr.status === 413 && form && form.hasAttribute("data-max-bytes")) {
      sayTooLarge(form);
    }
  });

  document.addEventListener("submit", function (event) { // before the double-post guard
    var form = event.target;
    if (!section || event.defaultPrevented) {
      return;
    }
    if (form === section || form.hasAttribute("data-discard")) {
      submitting = true; // the section itself, or "Ignorer ces réponses": nothing to save
      return;
    }
    if (leaving) {
      event.preventDefault();
    } else if (changed()) {
      event.preventDefault();
      var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
      saveThen(function () { form.requestSubmit(submitter); });
    }
  });

  // A reload (or Back to this very page) loads it while its beacon is still on the way:
  // the page then comes drawn from the answers as they were, at the version the beacon
  // saves over. Leaving with a beacon notes the page's address and version; a page
  // that finds that note, younger than a few seconds, at that same version, loads
  // itself once more, a moment later, with what the beacon saved.
  var LEFT_KEY = "guichet-left-with-beacon";

  function note(value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(LEFT_KEY);
      } else {
        window.sessionStorage.setItem(LEFT_KEY, JSON.stringify(value));
      }
    } catch (error) { /* storage refused (private mode): nothing noted */ }
  }

  function noted() {
    try {
      return JSON.parse(window.sessionStorage.getItem(LEFT_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  window.addEventListener("pagehide", function () { // Back, another address, the tab closed
    if (!leaving && changed() && navigator.sendBeacon) {
      if (navigator.sendBeacon(section.action, draft())) {
        saved = serialized(section);
        note({path: window.location.pathname, at: Date.now(),
              version: section.elements.version ? section.elements.version.value : ""});
      }
    }
  });

  var left = noted();
  if (left) {
    note(null);
    if (section && left.path === window.location.pathname && Date.now() - left.at < 5000 &&
        section.elements.version && section.elements.version.value === left.version) {
      window.setTimeout(function () { window.location.reload(); }, 300);
    }
  }

  function release(form) {
    form.removeAttribute("data-sending");
    form.removeAttribute("aria-busy");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.hasAttribute("data-sending")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () { release(form); }, RESEND_AFTER_MS);
  });

  // 5. A page answering a form post that must not be posted again by a reload (the
  //    registration's "email sent") names the address to reload instead.
  var replaced = document.querySelector("[data-replace-url]");
  if (replaced && window.history.replaceState) {
    window.history.replaceState(null, "", replaced.getAttribute("data-replace-url"));
  }

  // 7. A section page the browser filled again from its history (Back to a page it
  //    loads anew) may show restored answers that call for questions it was not drawn
  //    with: its questions are updated once, as if the first such answer had changed.
  function restored(control) {
    if (control.type === "checkbox" || control.type === "radio") {
      return control.checked !== control.defaultChecked;
    }
    if (control instanceof HTMLSelectElement) { // drawn with: the option marked
      // selected, else the first (the placeholder an unanswered question shows)
      var drawn = Array.prototype.find.call(control.options, function (option) {
        return option.defaultSelected;
      }) || control.options[0];
      return control.value !== (drawn ? drawn.value : "");
    }
    return control.value !== control.defaultValue;
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted || !section || !window.htmx) {
      return; // a page kept whole (back-forward cache) is as it was left
    }
    var first = Array.prototype.find.call(section.elements, function (control) {
      return isControl(control) && control.hasAttribute("hx-post") && restored(control);
    });
    if (first) {
      window.htmx.trigger(first, "change");
    }
  });

  // 8. What an agent typed in an action's form (form.agent-action) is kept in this
  //    tab's sessionStorage as the form is sent, and put back in the same form's empty
  //    fields when the dossier's page comes back without "C'est fait" (the action was
  //    refused: the dossier changed meanwhile). Kept one minute, read once by the next
  //    page, whatever it shows.
  var KEPT_ACTION = "guichet-agent-action:";
  var KEPT_ACTION_MS = 60000;

  function typedInAction(form) {
    var typed = {};
    Array.prototype.forEach.call(form.elements, function (control) {
      var text = control instanceof HTMLTextAreaElement || (
        control instanceof HTMLInputElement && /^(text|date|email|tel|number|url)$/.test(control.type));
      if (text && control.name && control.value.trim()) {
        typed[control.name] = control.value;
      }
    });
    return typed;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("agent-action")) {
      return;
    }
    var typed = typedInAction(form);
    try {
      if (Object.keys(typed).length) {
        window.sessionStorage.setItem(KEPT_ACTION + form.action,
          JSON.stringify({ at: Date.now(), typed: typed }));
      }
    } catch (error) { /* storage refused (private mode, full): nothing kept */ }
  }, true);

  var keptActions = {}; // form action -> what was typed, read once: the next page
  // after the post takes it, whether it shows that form or not (else a reason already
  // sent would come back in a later page's form)
  try {
    Object.keys(window.sessionStorage).forEach(function (key) {
      if (key.indexOf(KEPT_ACTION) === 0) {
        keptActions[key.slice(KEPT_ACTION.length)] = JSON.parse(
          window.sessionStorage.getItem(key) || "null");
        window.sessionStorage.removeItem(key);
      }
    });
  } catch (error) { /* storage refused or a value mangled: nothing to give back */ }

  document.querySelectorAll("form.agent-action").forEach(function (form) {
    var kept = keptActions[form.action];
    if (!kept || !kept.typed || Date.now() - kept.at > KEPT_ACTION_MS ||
        document.querySelector(".notice--success")) {
      return;
    }
    Object.keys(kept.typed).forEach(function (name) {
      var control = form.elements.namedItem(name);
      if ((control instanceof HTMLTextAreaElement || control instanceof HTMLInputElement) &&
          !control.value) {
        control.value = String(kept.typed[name]);
      }
    });
  });

  window.addEventListener("pageshow", function () { // back to a page: it may post again
    document.querySelectorAll("form[data-sending]").forEach(release);
    submitting = false;
    leaving = false;
    if (section) {
      section.removeAttribute("aria-busy");
    }
  });
})();
