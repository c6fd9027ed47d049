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

  window.addEventListener("pageshow", function () { // back to a page: it may post again
    document.querySelectorAll("form[data-sending]").forEach(release);
  });
})();
