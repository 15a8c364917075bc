// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // A table wider than the screen scrolls inside its .table-wrap (on a phone).
  // Keyboard users can scroll it only if it can take the focus: make such a box
  // a focusable, named group (not a landmark: its section already is one), and
  // only while it really scrolls (WCAG 2.1.1).
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var section = wrap.closest("[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    if (!heading) {
      var node = wrap;
      while (node && !heading) {
        var previous = node.previousElementSibling;
        while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
        heading = previous;
        node = node.parentElement;
      }
    }
    return heading ? heading.textContent.trim() : "";
  }

  function markScrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "group");
        if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", nameOf(wrap));
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  // A modal <dialog> makes the page behind it inert, but Tab from its last
  // control leaves for the browser's own bar: keep the focus going round inside.
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var dialog = document.querySelector("dialog[open]");
    if (!dialog) return;
    var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return el.getClientRects().length > 0;
    });
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markScrollableTables, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollableTables);
  } else {
    markScrollableTables();
  }

  // Changing the language reloads the page: what the person has typed in the
  // page's other forms is kept for that reload (sessionStorage, this tab only)
  // and put back. Passwords, hidden fields and the security token never are.
  var KEEP = "portal.keep-typed:" + location.pathname;
  function keepable(field) {
    // A password shown as text (below) is still a password.
    return field.name && !/^(password|hidden|submit|button|file)$/.test(field.type) &&
      !field.hasAttribute("data-password") &&
      field.name !== "csrfmiddlewaretoken" && !field.disabled;
  }
  document.addEventListener("submit", function (event) {
    if (!event.target.classList.contains("language-form")) return;
    var kept = [];
    document.querySelectorAll("form:not(.language-form)").forEach(function (form, index) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!keepable(field)) return;
        var checkable = field.type === "checkbox" || field.type === "radio";
        if (checkable ? field.checked !== field.defaultChecked : field.value !== (field.defaultValue || "")) {
          kept.push({form: index, name: field.name, value: field.value, checked: field.checked});
        }
      });
    });
    try {
      if (kept.length) sessionStorage.setItem(KEEP, JSON.stringify(kept));
    } catch (error) { /* storage refused: the page reloads as before */ }
  });
  // A page that answers a form with errors moves the focus to their summary,
  // so that a screen reader reads it first and Tab goes on to its links.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && !document.querySelector("dialog[open]")) summary.focus();
  }

  function restoreTyped() {
    var kept;
    try {
      kept = JSON.parse(sessionStorage.getItem(KEEP) || "null");
      sessionStorage.removeItem(KEEP);
    } catch (error) { return; }
    if (!kept) return;
    var forms = document.querySelectorAll("form:not(.language-form)");
    kept.forEach(function (item) {
      var form = forms[item.form];
      if (!form) return;
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name !== item.name || !keepable(field)) return;
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === item.value) field.checked = item.checked;
        } else {
          field.value = item.value;
        }
      });
    });
  }
  // The sign-up code. "Show a new image" fetches one in place (django-simple-captcha's
  // refresh URL) instead of reloading the page and losing what was typed; without
  // JavaScript its empty link reloads the page. The code read aloud plays in the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".captcha-refresh, .captcha-audio");
    var box = link && link.closest("[data-captcha]");
    if (!box || event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (link.classList.contains("captcha-audio")) {
      if (typeof Audio !== "function") return;
      event.preventDefault();
      var played = new Audio(link.href).play();
      if (played && played.catch) played.catch(function () { location.href = link.href; });
      return;
    }
    if (typeof fetch !== "function") return;
    event.preventDefault();
    fetch(box.getAttribute("data-refresh-url"), {
      headers: {"X-Requested-With": "XMLHttpRequest"}, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (data) {
      box.querySelector("img.captcha").src = data.image_url;
      box.querySelector("input[type=hidden]").value = data.key;
      var audio = box.querySelector(".captcha-audio");
      if (audio && data.audio_url) audio.href = data.audio_url;
      var answer = box.querySelector("input:not([type=hidden])");
      if (answer) answer.value = "";
      var status = box.querySelector("[data-captcha-status]");
      // Emptied first, so that a second new image is announced again.
      status.textContent = "";
      setTimeout(function () { status.textContent = status.getAttribute("data-message"); }, 50);
    }).catch(function () { location.href = link.href; });
  });

  // "Show password": the button beside each password field (core/field.html) shows
  // what was typed, and hides it again; its words come from the page, in its language.
  function showPassword(button, input, shown, announce) {
    input.type = shown ? "text" : "password";
    button.textContent = button.getAttribute(shown ? "data-hide-text" : "data-show-text");
    var status = button.parentNode.querySelector("[data-password-status]");
    if (status && announce) {
      status.textContent = button.getAttribute(shown ? "data-shown-status" : "data-hidden-status");
    }
  }
  function enhancePasswords() {
    document.querySelectorAll("[data-show-password]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-show-password"));
      if (!input || input.type !== "password") return;
      input.setAttribute("data-password", "");
      // Shown as text, a password must not be capitalised or corrected by the keyboard.
      input.setAttribute("autocapitalize", "none");
      input.setAttribute("spellcheck", "false");
      button.setAttribute("data-show-text", button.textContent);
      button.hidden = false;
      // As wide as its longer words, so that the field does not jump when they change.
      var showWidth = button.offsetWidth;
      button.textContent = button.getAttribute("data-hide-text");
      button.style.minWidth = Math.max(showWidth, button.offsetWidth) + "px";
      button.textContent = button.getAttribute("data-show-text");
      button.addEventListener("click", function () {
        showPassword(button, input, input.type === "password", true);
      });
    });
  }
  // Sent, a password is a password again: the browser offers to save it as one, and
  // the page it leaves (back button) does not show it.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("[data-show-password]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-show-password"));
      if (input && input.type === "text") showPassword(button, input, false, false);
    });
  });

  function ready() {
    restoreTyped();
    enhancePasswords();
    focusErrorSummary();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
