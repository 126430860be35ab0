// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  // Ask for confirmation on dangerous buttons (forms, or the button pressed, with data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // The focused field is never hidden (WCAG 2.4.11): the browser scrolls a field into view only when none of it is
  // visible, so one half under the sticky save bar or below the window's edge stays there. Scroll it fully into
  // view, above the save bar when that is sticky (on short windows it is not, see app.css). Only for focus moved by
  // the keyboard: a click is where the pointer is, and scrolling between press and release would lose the click.
  var byKeyboard = false;
  document.addEventListener("keydown", function () { byKeyboard = true; }, true);
  document.addEventListener("pointerdown", function () { byKeyboard = false; }, true);
  document.addEventListener("focusin", function (event) {
    var element = event.target;
    if (!byKeyboard || !element || !element.getBoundingClientRect || element === document.body) { return; }
    var rect = element.getBoundingClientRect();
    var bottom = document.documentElement.clientHeight;
    Array.prototype.forEach.call(document.querySelectorAll(".actions--sticky"), function (bar) {
      if (bar.contains(element) || window.getComputedStyle(bar).position !== "sticky") { return; }
      var top = bar.getBoundingClientRect().top;
      if (top < bottom && top > rect.top) { bottom = top; }
    });
    if (rect.bottom > bottom - 4) {
      window.scrollBy(0, Math.min(rect.bottom - bottom + 8, rect.top - 8));
    } else if (rect.top < 0) {
      window.scrollBy(0, rect.top - 8);
    }
  });
  // Print buttons only make sense with JavaScript: they stay hidden without it (the browser's own print works).
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Autosave on wizard pages (forms with data-autosave): a few seconds after the last change the form is
  // posted in the background; the answer carries each item's new version, so the next save, by hand or
  // automatic, is checked against what was just stored. Without this script the buttons do the same.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), function (form) {
    var status = form.querySelector(".autosave-status");
    var timer = null, busy = false, again = false, dirty = false;
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      if (busy) { again = true; return; }
      if (!dirty || !window.fetch || !window.FormData) { return; }
      busy = true; dirty = false;
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Autosave": "1", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        say(result.data.message || "");
        if (!result.ok) { return; }
        Object.keys(result.data.fields || {}).forEach(function (name) {
          var item = result.data.fields[name];
          var version = form.querySelector('input[name="' + name + '-version"]');
          var digest = form.querySelector('input[name="' + name + '-digest"]');
          if (version) { version.value = item.version; }
          if (digest) { digest.value = item.digest; }
        });
      }).catch(function () {
        dirty = true;
        say("Niet automatisch opgeslagen (geen verbinding of sessie verlopen). Uw invoer staat nog op de pagina; klik op ‘Opslaan’.");
      }).then(function () {
        busy = false;
        if (again) { again = false; save(); }
      });
    }
    function changed() {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 2500);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { window.clearTimeout(timer); dirty = false; });
  });
})();
